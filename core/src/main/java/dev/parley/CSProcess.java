package dev.parley; public interface CSProcess { void run() throws Exception; }
