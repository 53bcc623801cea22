package io.keyless.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a process has used, from {@code /proc/PID/stat}: user and system time. */
final class ProcessCpu {
    /** Clock ticks per second of the stat file's times; 100 on every Linux port that matters. */
    private static final double TICKS_PER_SECOND = ticksPerSecond();

    private final long pid;

    ProcessCpu(long pid) {
        this.pid = pid;
    }

    /** Seconds of CPU the process has used so far. */
    double seconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // "pid (comm) state ppid ..." where comm may contain spaces; fields count from after the ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long userTicks = Long.parseLong(fields[11]);
        long systemTicks = Long.parseLong(fields[12]);
        return (userTicks + systemTicks) / TICKS_PER_SECOND;
    }

    private static double ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String output = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return getconf.waitFor() == 0 ? Double.parseDouble(output) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
