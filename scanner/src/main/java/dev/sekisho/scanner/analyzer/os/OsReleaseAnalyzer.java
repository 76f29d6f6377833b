package dev.sekisho.scanner.analyzer.os;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.ParseProblems;
import dev.sekisho.scanner.model.OperatingSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Identifies the operating system from /etc/os-release (or /usr/lib/os-release) and, for images
 * without one, from /etc/debian_version, /etc/alpine-release or /etc/redhat-release (and its
 * CentOS, Rocky, Alma, Fedora and Oracle siblings).
 *
 * <p>os-release always wins over a fallback file: results from os-release carry a pretty name,
 * fallback results never do; {@link #prefer} encodes that rule for whoever merges layers.
 */
public final class OsReleaseAnalyzer implements Analyzer {
  /** Bytes read of one file: real ones are a few hundred. */
  static final int MAX_SIZE = 64 * 1024;

  @Override
  public String name() {
    return "os-release";
  }

  @Override
  public int version() {
    // 2: files over 64 KiB are read up to 64 KiB with a warning instead of left out without one
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return switch (path) {
      case "etc/os-release",
          "usr/lib/os-release",
          "etc/debian_version",
          "etc/alpine-release",
          "etc/redhat-release",
          "etc/centos-release",
          "etc/rocky-release",
          "etc/almalinux-release",
          "etc/fedora-release",
          "etc/oracle-release" ->
          true;
      default -> false;
    };
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    ParseProblems problems = new ParseProblems(input);
    InputStream in = problems.limitedStream(MAX_SIZE, "the limit for one release file");
    String text = new String(in.readNBytes(MAX_SIZE), StandardCharsets.UTF_8);
    String path = input.path();
    OperatingSystem os;
    if (path.endsWith("os-release")) {
      os = OsReleaseParser.osRelease(text);
    } else if (path.equals("etc/debian_version")) {
      os = OsReleaseParser.debianVersion(text);
    } else if (path.equals("etc/alpine-release")) {
      os = OsReleaseParser.alpineRelease(text);
    } else {
      os = OsReleaseParser.redhatRelease(text);
    }
    if (os == null) {
      problems.add("no operating system identified");
    }
    return new AnalysisResult(null, os, null, problems.warnings());
  }

  /**
   * Which of two identifications of the same image to keep: os-release (which always has a pretty
   * name) over a fallback file; otherwise the candidate (the later layer).
   */
  public static OperatingSystem prefer(OperatingSystem current, OperatingSystem candidate) {
    if (current == null) {
      return candidate;
    }
    if (candidate == null) {
      return current;
    }
    boolean currentFromOsRelease = current.prettyName() != null;
    boolean candidateFromOsRelease = candidate.prettyName() != null;
    if (currentFromOsRelease && !candidateFromOsRelease) {
      return current;
    }
    return candidate;
  }
}
