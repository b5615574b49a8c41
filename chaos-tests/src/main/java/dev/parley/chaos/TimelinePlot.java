package dev.parley.chaos;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a scenario's timeline as a PNG, headless: above, the latency of every operation (a dot
 * per operation, log scale, coloured by outcome); below, DONE operations per second in time
 * bins; across both, a shaded band per fault with a red line where it began and a green line
 * where it ended. Stateless; any thread may call it (AWT runs headless, no window opens).
 */
final class TimelinePlot {
    private static final int WIDTH = 1_200;
    private static final int HEIGHT = 720;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int GAP = 60;
    private static final int BOTTOM = 60;
    private static final int BINS = 100;

    private TimelinePlot() {
    }

    static void write(ScenarioReport r, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int panelHeight = (HEIGHT - TOP - GAP - BOTTOM) / 2;
            Panel latency = new Panel(TOP, panelHeight);
            Panel throughput = new Panel(TOP + panelHeight + GAP, panelHeight);
            double spanMs = Math.max(1, r.durationNs() / 1e6);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(r.name() + "  (seed " + r.seed() + ", " + (r.passed() ? "pass" : "FAIL: "
                    + r.anomalies().size() + " anomalies") + ")", LEFT, 25);
            drawFaults(g, r.faults(), spanMs, latency, throughput);
            drawLatency(g, r.operations(), spanMs, latency);
            drawThroughput(g, r.operations(), spanMs, throughput);
            drawTimeAxis(g, spanMs, throughput);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private record Panel(int top, int height) {
        int bottom() {
            return top + height;
        }
    }

    private static int x(double ms, double spanMs) {
        return LEFT + (int) Math.round(ms / spanMs * (WIDTH - LEFT - RIGHT));
    }

    private static void drawFaults(Graphics2D g, List<FaultWindow> faults, double spanMs, Panel... panels) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int row = 0;
        for (FaultWindow f : faults) {
            int x0 = x(f.beganNs() / 1e6, spanMs);
            int x1 = f.ended() ? x(f.endNs() / 1e6, spanMs) : WIDTH - RIGHT;
            for (Panel p : panels) {
                g.setColor(new Color(255, 200, 200, 90));
                g.fillRect(x0, p.top(), Math.max(1, x1 - x0), p.height());
                g.setStroke(new BasicStroke(2));
                g.setColor(new Color(200, 0, 0));
                g.drawLine(x0, p.top(), x0, p.bottom());
                if (f.ended()) {
                    g.setColor(new Color(0, 140, 0));
                    g.drawLine(x1, p.top(), x1, p.bottom());
                }
            }
            g.setColor(new Color(150, 0, 0));
            g.drawString(f.name(), x0 + 3, TOP + 12 + 13 * (row++ % 4));
        }
        g.setStroke(new BasicStroke(1));
    }

    private static void drawLatency(Graphics2D g, List<Operation> ops, double spanMs, Panel p) {
        double maxMs = 1;
        for (Operation op : ops) {
            maxMs = Math.max(maxMs, op.latencyNs() / 1e6);
        }
        double minLog = -2;                       // 0.01 ms
        double maxLog = Math.ceil(Math.log10(maxMs));
        frame(g, p, "latency (ms, log)");
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double e = minLog; e <= maxLog; e++) {
            int y = p.bottom() - (int) ((e - minLog) / (maxLog - minLog) * p.height());
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%s", e >= 0 ? Long.toString((long) Math.pow(10, e))
                    : Double.toString(Math.pow(10, e))), 8, y + 4);
        }
        for (Operation op : ops) {
            double log = Math.log10(Math.max(op.latencyNs() / 1e6, 0.01));
            int y = p.bottom() - (int) ((log - minLog) / (maxLog - minLog) * p.height());
            g.setColor(colour(op.outcome()));
            g.fillRect(x(op.endNs() / 1e6, spanMs) - 1, y - 1, 3, 3);
        }
        legend(g, p);
    }

    private static Color colour(Outcome o) {
        return switch (o) {
            case DONE -> new Color(30, 90, 200);
            case NOT_DONE -> new Color(230, 140, 0);
            case UNKNOWN -> new Color(150, 0, 150);
            case UNREACHABLE -> new Color(120, 120, 120);
            case POISONED, RETIRED -> new Color(0, 150, 60);
            case FAILED -> Color.RED;
        };
    }

    private static void legend(Graphics2D g, Panel p) {
        int x = WIDTH - RIGHT - 600;
        for (Outcome o : Outcome.values()) {
            g.setColor(colour(o));
            g.fillRect(x, p.top() - 12, 8, 8);
            g.setColor(Color.DARK_GRAY);
            g.drawString(o.name(), x + 11, p.top() - 4);
            x += 100;
        }
    }

    private static void drawThroughput(Graphics2D g, List<Operation> ops, double spanMs, Panel p) {
        double binMs = spanMs / BINS;
        int[] bins = new int[BINS];
        for (Operation op : ops) {
            if (op.outcome() == Outcome.DONE) {
                bins[Math.max(0, Math.min(BINS - 1, (int) (op.endNs() / 1e6 / binMs)))]++;   // clamp clock skew
            }
        }
        double maxRate = 1;
        for (int c : bins) {
            maxRate = Math.max(maxRate, c / (binMs / 1_000));
        }
        frame(g, p, "DONE operations per second");
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "%.0f", maxRate), 8, p.top() + 4);
        g.drawString("0", 8, p.bottom() + 4);
        g.setColor(new Color(30, 90, 200));
        g.setStroke(new BasicStroke(2));
        int lastX = -1;
        int lastY = -1;
        for (int i = 0; i < BINS; i++) {
            int px = x((i + 0.5) * binMs, spanMs);
            int py = p.bottom() - (int) (bins[i] / (binMs / 1_000) / maxRate * p.height());
            if (lastX >= 0) {
                g.drawLine(lastX, lastY, px, py);
            }
            lastX = px;
            lastY = py;
        }
        g.setStroke(new BasicStroke(1));
    }

    private static void frame(Graphics2D g, Panel p, String title) {
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, p.top(), WIDTH - LEFT - RIGHT, p.height());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(title, LEFT, p.top() - 4);
    }

    private static void drawTimeAxis(Graphics2D g, double spanMs, Panel p) {
        double stepMs = Math.pow(10, Math.floor(Math.log10(spanMs / 5)));
        if (spanMs / stepMs > 12) {
            stepMs *= 2;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.DARK_GRAY);
        for (double t = 0; t <= spanMs; t += stepMs) {
            int px = x(t, spanMs);
            g.drawLine(px, p.bottom(), px, p.bottom() + 4);
            g.drawString(String.format(Locale.ROOT, "%.1f s", t / 1_000), px - 12, p.bottom() + 18);
        }
        g.drawString("time since start", WIDTH / 2 - 40, p.bottom() + 38);
    }
}
