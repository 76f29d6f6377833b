package dev.sekisho.scanner.analyzer.golang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.model.GoSymbols;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.testkit.ChildProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds a real Go binary with the installed Go toolchain at test time: a main module that needs a
 * module from a local file-system module proxy, a module replaced by another one from that proxy,
 * and a module replaced by a local directory. Skipped when no {@code go} is on the PATH.
 */
class GoBinaryAnalyzerTest {
  @TempDir static Path work;
  private static byte[] binary;
  private static String goVersion;
  private static String goos;
  private static String goarch;

  private final GoBinaryAnalyzer analyzer = new GoBinaryAnalyzer();

  @BeforeAll
  static void buildBinary() throws Exception {
    assumeTrue(hasGo(), "go is not installed: cannot build a Go binary to read");
    Path proxy = work.resolve("proxy");
    proxyModule(
        proxy,
        "example.com/greet",
        "v1.2.3",
        "example.com/greet",
        "package greet\n\nimport \"strings\"\n\n"
            + "func Hello(n int) string { return strings.Repeat(\"hello \", n) }\n",
        "greet.go");
    proxyModule(
        proxy,
        "example.com/fork",
        "v1.5.0",
        "example.com/old",
        "package old\n\nimport \"strings\"\n\n"
            + "func Old(n int) string { return strings.Repeat(\"fork \", n) }\n",
        "old.go");
    Path app = work.resolve("app");
    write(app.resolve("local/go.mod"), "module example.com/local\n\ngo 1.21\n");
    write(
        app.resolve("local/local.go"),
        "package local\n\nfunc Local() string { return \"local\" }\n");
    write(
        app.resolve("go.mod"),
        """
        module example.com/app

        go 1.21

        require (
        \texample.com/greet v1.2.3
        \texample.com/local v0.0.0
        \texample.com/old v1.0.0
        )

        replace example.com/local => ./local

        replace example.com/old v1.0.0 => example.com/fork v1.5.0
        """);
    write(
        app.resolve("main.go"),
        """
        package main

        import (
        \t"fmt"
        \t"os"

        \t"example.com/greet"
        \t"example.com/local"
        \t"example.com/old"
        )

        func main() { fmt.Println(greet.Hello(len(os.Args)), local.Local(), old.Old(len(os.Args))) }
        """);
    Path out = work.resolve("app-bin");
    run(
        app,
        Map.of("GOPROXY", "file://" + proxy),
        "go",
        "build",
        "-trimpath",
        "-o",
        out.toString(),
        ".");
    binary = Files.readAllBytes(out);
    goVersion = run(app, Map.of(), "go", "env", "GOVERSION").strip();
    goos = run(app, Map.of(), "go", "env", "GOOS").strip();
    goarch = run(app, Map.of(), "go", "env", "GOARCH").strip();
  }

  @Test
  void readsMainModuleDependenciesReplacementsAndStdlib() throws IOException {
    AnalysisResult result =
        FixtureInput.of("usr/local/bin/app", binary).withMode(0755).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages())
        .extracting(p -> p.name() + " " + p.version())
        .containsExactlyInAnyOrder(
            "example.com/app (devel)",
            "example.com/greet v1.2.3",
            "example.com/fork v1.5.0",
            "stdlib " + "v" + goVersion.substring(2));
    Package greet = byName(result, "example.com/greet");
    assertThat(greet.purl()).isEqualTo("pkg:golang/example.com/greet@v1.2.3");
    // the platform comes from the binary's GOOS/GOARCH build settings
    // and its functions from the symbol table (greet.Hello is inlined into main.main: only the
    // inline tree names it)
    assertThat(greet.metadata())
        .isEqualTo(
            new PackageMetadata.GoModule(
                goVersion,
                false,
                goos,
                goarch,
                new GoSymbols(true, Map.of("example.com/greet", List.of("Hello")))));
    // a replaced module's packages are named under the replacement, as its advisories name them
    assertThat(((PackageMetadata.GoModule) byName(result, "example.com/fork").metadata()).symbols())
        .isEqualTo(new GoSymbols(true, Map.of("example.com/fork", List.of("Old"))));
    // package main under the binary's main package path
    assertThat(
            ((PackageMetadata.GoModule) byName(result, "example.com/app").metadata())
                .symbols()
                .symbols("example.com/app"))
        .contains("main");
    assertThat(
            ((PackageMetadata.GoModule) byName(result, "stdlib").metadata())
                .symbols()
                .symbols("fmt"))
        .contains("Println");
    assertThat(greet.location().path()).isEqualTo("/usr/local/bin/app");
    assertThat(
            ((PackageMetadata.GoModule) byName(result, "example.com/app").metadata()).mainModule())
        .isTrue();
  }

  @Test
  void truncatedBinaryIsAWarning() throws IOException {
    byte[] head = Arrays.copyOf(binary, 64 * 1024);
    AnalysisResult result =
        FixtureInput.of("usr/local/bin/app", head).withMode(0755).analyzeWith(analyzer);
    assertThat(result.packages()).isEmpty();
    assertThat(result.warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .startsWith(
                        "cannot parse usr/local/bin/app in layer " + FixtureInput.LAYER + ": "));
  }

  @Test
  void garbageAfterTheElfMagicIsAWarning() throws IOException {
    byte[] garbage = new byte[8192];
    new Random(42).nextBytes(garbage);
    garbage[0] = 0x7f;
    garbage[1] = 'E';
    garbage[2] = 'L';
    garbage[3] = 'F';
    AnalysisResult result = FixtureInput.of("bin/x", garbage).withMode(0755).analyzeWith(analyzer);
    assertThat(result.packages()).isEmpty();
    assertThat(result.warnings()).hasSize(1);
    assertThat(result.warnings().getFirst().message()).startsWith("cannot parse bin/x in layer ");
  }

  @Test
  void scriptsAreIgnoredQuietly() throws IOException {
    byte[] script = ("#!/bin/sh\n" + "echo hello\n".repeat(200)).getBytes(StandardCharsets.UTF_8);
    AnalysisResult result = FixtureInput.of("bin/s", script).withMode(0755).analyzeWith(analyzer);
    assertThat(result.isEmpty()).isTrue();
  }

  private static Package byName(AnalysisResult r, String name) {
    return r.packages().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  private static void proxyModule(
      Path proxy, String path, String version, String declared, String source, String file)
      throws IOException {
    Path dir = proxy.resolve(path).resolve("@v");
    String mod = "module " + declared + "\n\ngo 1.21\n";
    write(dir.resolve("list"), version + "\n");
    write(dir.resolve(version + ".info"), "{\"Version\":\"" + version + "\"}\n");
    write(dir.resolve(version + ".mod"), mod);
    try (OutputStream o = Files.newOutputStream(dir.resolve(version + ".zip"));
        ZipOutputStream z = new ZipOutputStream(o)) {
      String prefix = path + "@" + version + "/";
      z.putNextEntry(new ZipEntry(prefix + "go.mod"));
      z.write(mod.getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry(prefix + file));
      z.write(source.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static boolean hasGo() {
    try {
      return ChildProcess.run(
                  new ProcessBuilder("go", "version").redirectErrorStream(true),
                  Duration.ofSeconds(60))
              .exitCode()
          == 0;
    } catch (java.io.UncheckedIOException e) {
      return false;
    }
  }

  private static String run(Path dir, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("GOSUMDB", "off");
    pb.environment().put("GOFLAGS", "-mod=mod -modcacherw");
    pb.environment().put("GOMODCACHE", work.resolve("modcache").toString());
    pb.environment().put("GOTOOLCHAIN", "local");
    pb.environment().put("GOWORK", "off");
    pb.environment().put("CGO_ENABLED", "0");
    ChildProcess.Result r = ChildProcess.run(pb, Duration.ofMinutes(4));
    if (r.exitCode() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed:\n" + r.stdout());
    }
    return r.stdout();
  }
}
