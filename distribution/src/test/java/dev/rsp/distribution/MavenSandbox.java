package dev.rsp.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Maven runs for a test, as a user would run them, that touch neither the network nor the build's own local
 * repository: each run gets a private local repository ({@code -Dmaven.repo.local}) in the test's directory, into which
 * the test installs the reactor's artifacts it needs, and a settings.xml whose mirror serves everything else from the
 * build's local repository (read only, through a {@code file://} URL).
 *
 * <p>Maven treats that {@code file://} repository as a remote one, with two consequences: a local repository holds no
 * checksums, so the mirrored repositories ignore them (otherwise every artifact logs a warning), and it holds no
 * {@code maven-metadata.xml} (only {@code maven-metadata-central.xml} and the like), so plugin prefixes and versions
 * cannot be resolved from it: runs name plugins in full ({@code group:artifact:version:goal}) and projects pin every
 * plugin's version. Snapshots come from the private repository only.
 */
final class MavenSandbox {

    /** The longest a single Maven run may take. */
    static final long RUN_SECONDS = 120;

    private final Path dir;
    private final Path settings;
    private final Path repository;

    private MavenSandbox(Path dir) {
        this.dir = dir;
        this.settings = dir.resolve("settings.xml");
        this.repository = dir.resolve("repository");
    }

    /** A sandbox in {@code dir}, mirroring the build's local repository (failsafe's {@code rsp.maven.repository}). */
    static MavenSandbox in(Path dir) throws IOException {
        MavenSandbox sandbox = new MavenSandbox(dir);
        Files.createDirectories(sandbox.repository);
        String url = Paths.get(property("rsp.maven.repository")).toUri().toString();
        String repo = "<id>central</id><url>" + url + "</url>"
                + "<releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>";
        Files.writeString(sandbox.settings, """
                <settings>
                  <mirrors>
                    <mirror><id>rsp-build-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                  <profiles>
                    <profile>
                      <id>rsp-build-repository</id>
                      <repositories><repository>%s</repository></repositories>
                      <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>rsp-build-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(url, repo, repo));
        return sandbox;
    }

    /**
     * Puts a built artifact into the private repository where {@code mvn install} would: its pom and, unless
     * {@code jar} is null (a pom-packaged parent), its jar. With no {@code _remote.repositories} beside them Maven
     * takes them as installed locally. (Written directly rather than by {@code install:install-file}: that plugin is
     * not in the build's local repository after a plain {@code mvn verify}, and each run costs a JVM.)
     */
    void install(String groupId, String artifactId, String version, Path pom, Path jar) throws IOException {
        Path dir = repository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Runs {@code mvn -B} in {@code workDir} with the sandbox's settings and repository, its output in
     * {@code <sandbox>/<name>.log}; fails with that output when Maven fails or takes longer than {@value #RUN_SECONDS} s.
     *
     * @return the output
     */
    String run(Path workDir, String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(property("rsp.maven.home"), "bin", "mvn").toString(), "-B",
                "-s", settings.toString(), "-Dmaven.repo.local=" + repository));
        cmd.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().remove("MAVEN_ARGS");
        long start = System.nanoTime();
        Process mvn = pb.start();
        boolean done = mvn.waitFor(RUN_SECONDS, TimeUnit.SECONDS);
        if (!done) {
            mvn.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (!done || mvn.exitValue() != 0) {
            throw new AssertionError("mvn " + String.join(" ", args) + (done ? " failed" : " took over " + RUN_SECONDS
                    + " s") + ":\n" + out);
        }
        System.out.printf("mvn %s: %.1f s%n", name, (System.nanoTime() - start) / 1e9);
        return out;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run through Maven (mvn verify)");
        }
        return value;
    }
}
