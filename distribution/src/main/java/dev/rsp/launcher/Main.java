package dev.rsp.launcher;

/**
 * Entry point used by {@code bin/rsp}. Exit status: 0 after a clean stop, 1 when rsp cannot start or stop, 2 for a
 * bad command line. Compiled for Java 8 so that an old java can still say that rsp needs 17.
 */
public final class Main {

    static final int REQUIRED_JAVA = 17;

    private Main() {
    }

    public static void main(String[] args) {
        int java = javaFeatureVersion(System.getProperty("java.specification.version", "0"));
        if (java < REQUIRED_JAVA) {
            System.err.println("rsp: needs Java " + REQUIRED_JAVA + " or newer, but " + System.getProperty("java.home")
                    + " is Java " + System.getProperty("java.version") + "; set JAVA_HOME to a newer one");
            System.exit(1);
        }
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("rsp: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = new FelixLauncher(options).run();
        } catch (Exception e) {
            System.err.println("rsp: cannot start: " + e);
            status = 1;
        }
        System.exit(status);
    }

    /** "1.8" -> 8, "17" -> 17, anything unreadable -> 0. */
    static int javaFeatureVersion(String specificationVersion) {
        String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
