package dev.rsp.launcher;

import java.io.File;

/**
 * The launcher's command line: {@code --home DIR [--shell] [--take-over | --take-over-from DIR]}. {@code bin/rsp} passes {@code --home}; users normally
 * call {@code bin/rsp}, not this class.
 */
final class LaunchOptions {

    final File home;
    final boolean shell;
    /**
     * The home whose running rsp this one replaces, if one runs there (see {@link Takeover}): this home for
     * {@code --take-over}, another (the previous release's) for {@code --take-over-from DIR}; null otherwise.
     */
    final File takeOverFrom;

    private LaunchOptions(File home, boolean shell, File takeOverFrom) {
        this.home = home;
        this.shell = shell;
        this.takeOverFrom = takeOverFrom;
    }

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException with a message fit for the user when an argument is unknown or missing
     */
    static LaunchOptions parse(String... args) {
        File home = null;
        boolean shell = false;
        boolean takeOver = false;
        File from = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--shell")) {
                shell = true;
            } else if (a.equals("--take-over")) {
                takeOver = true;
            } else if (a.equals("--take-over-from")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--take-over-from needs the home of the running rsp");
                }
                from = new File(args[++i]).getAbsoluteFile();
                if (!new File(from, "etc").isDirectory()) {
                    throw new IllegalArgumentException(from + " is not an rsp home: it needs etc/");
                }
            } else if (a.equals("--home")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--home needs a directory");
                }
                home = new File(args[++i]).getAbsoluteFile();
            } else {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home is required (start rsp with bin/rsp)");
        }
        if (!new File(home, "bundle").isDirectory() || !new File(home, "etc").isDirectory()) {
            throw new IllegalArgumentException(home + " is not an rsp home: it needs bundle/ and etc/");
        }
        return new LaunchOptions(home, shell, from != null ? from : takeOver ? home : null);
    }
}
