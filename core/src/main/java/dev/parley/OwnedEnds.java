package dev.parley;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the channel ends a process owns: for a record, its components, searched through arrays,
 * collections, map values and nested records. Only called when a process ends by poison, retire or
 * failure, so a process that ends normally pays nothing.
 */
final class OwnedEnds {

    private static final ClassValue<Method[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Method[] accessors = new Method[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                try {
                    accessors[i].setAccessible(true);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("cannot read component '" + components[i].getName() + "' of record "
                            + type.getName() + " to find its channel ends; open its package to dev.parley", e);
                }
            }
            return accessors;
        }
    };

    private OwnedEnds() {
    }

    /** @return the distinct ends reachable from {@code root}, in the order first found */
    static List<ChannelEnd> of(Object root) {
        List<ChannelEnd> ends = new ArrayList<>();
        collect(root, ends, Collections.newSetFromMap(new IdentityHashMap<>()));
        return ends;
    }

    private static void collect(Object value, List<ChannelEnd> ends, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof ChannelEnd end) {
            ends.add(end);
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                collect(element, ends, seen);
            }
        } else if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                collect(element, ends, seen);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Object element : map.values()) {
                collect(element, ends, seen);
            }
        } else if (value.getClass().isRecord()) {
            for (Method accessor : ACCESSORS.get(value.getClass())) {
                try {
                    collect(accessor.invoke(value), ends, seen);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + accessor + " to find channel ends", e);
                }
            }
        }
    }
}
