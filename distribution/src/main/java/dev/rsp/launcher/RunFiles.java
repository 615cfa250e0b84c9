package dev.rsp.launcher;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;

/**
 * The files of a home that belong to one rsp process, so that two can run in it for the time of an upgrade: the
 * Felix cache is {@code data/felix-cache-<pid>} (a start cleans only its own, and removes those of processes gone),
 * and {@code data/rsp.pid} names the process that serves the home, written once it is ready. Liveness is read from
 * {@code /proc} (Linux): a pid counts as rsp's when its command line runs rsp's launcher for the same home.
 */
final class RunFiles {

    static final String LAUNCHER_CLASS = "dev.rsp.launcher.Main";
    private static final Charset UTF8 = Charset.forName("UTF-8");

    private RunFiles() {
    }

    /** This process's id. */
    static long ownPid() {
        String name = ManagementFactory.getRuntimeMXBean().getName();
        int at = name.indexOf('@');
        try {
            return Long.parseLong(at < 0 ? name : name.substring(0, at));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("cannot tell this process's id from '" + name + "'");
        }
    }

    static File cacheDir(File home, long pid) {
        return new File(home, "data/felix-cache-" + pid);
    }

    static File pidFile(File home) {
        return new File(home, "data/rsp.pid");
    }

    /** The pid in {@code data/rsp.pid} when it is an rsp of this home that runs now, else -1. */
    static long runningPid(File home) {
        File f = pidFile(home);
        if (!f.isFile()) {
            return -1;
        }
        try {
            long pid = Long.parseLong(read(f).trim());
            return pid != ownPid() && isRsp(pid, home) ? pid : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Whether {@code pid} runs rsp's launcher for {@code home}. */
    static boolean isRsp(long pid, File home) {
        File cmdline = new File("/proc/" + pid + "/cmdline");
        try {
            String[] args = read(cmdline).split("\u0000");
            boolean launcher = false;
            for (int i = 0; i < args.length; i++) {
                launcher |= LAUNCHER_CLASS.equals(args[i]);
                if (launcher && "--home".equals(args[i]) && i + 1 < args.length) {
                    return new File(args[i + 1]).getCanonicalFile().equals(home.getCanonicalFile());
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Marks this process as the one serving {@code home}. */
    static void writePid(File home, long pid) throws IOException {
        File f = pidFile(home);
        File tmp = new File(f.getPath() + "." + pid);
        OutputStream out = new FileOutputStream(tmp);
        try {
            out.write((pid + "\n").getBytes(UTF8));
        } finally {
            out.close();
        }
        if (!tmp.renameTo(f)) {
            tmp.delete();
            throw new IOException("cannot write " + f);
        }
    }

    /** At exit: removes {@code data/rsp.pid} when it still names this process, and this process's Felix cache. */
    static void removeOwn(File home, long pid) {
        try {
            if (pidFile(home).isFile() && read(pidFile(home)).trim().equals(String.valueOf(pid))) {
                pidFile(home).delete();
            }
        } catch (IOException ignored) {
            // nothing to remove
        }
        delete(cacheDir(home, pid));
    }

    /**
     * At start: removes the Felix caches of rsp processes that are gone, and the cache of releases before per-process
     * caches ({@code data/felix-cache}) unless {@code keepShared}: an older rsp being replaced may still use it.
     */
    static void removeStale(File home, boolean keepShared) {
        File[] dirs = new File(home, "data").listFiles();
        if (dirs == null) {
            return;
        }
        for (File d : dirs) {
            String name = d.getName();
            if (name.startsWith("felix-cache-")) {
                try {
                    if (!isRsp(Long.parseLong(name.substring("felix-cache-".length())), home)) {
                        delete(d);
                    }
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            } else if (name.equals("felix-cache") && !keepShared) {
                delete(d);
            }
        }
    }

    private static void delete(File f) {
        File[] children = f.isDirectory() ? f.listFiles() : null;
        if (children != null) {
            for (File c : children) {
                delete(c);
            }
        }
        f.delete();
    }

    private static String read(File f) throws IOException {
        InputStream in = new FileInputStream(f);
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] b = new byte[4096];
            for (int n = in.read(b); n > 0; n = in.read(b)) {
                out.write(b, 0, n);
            }
            return new String(out.toByteArray(), UTF8);
        } finally {
            in.close();
        }
    }
}
