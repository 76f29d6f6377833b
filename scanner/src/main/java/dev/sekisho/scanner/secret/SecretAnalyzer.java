package dev.sekisho.scanner.secret;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.model.SecretFinding;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Scans the contents of every text file of every layer for secrets ({@link SecretScanner}). */
public final class SecretAnalyzer implements Analyzer {
  private final SecretScanner scanner;
  private final String name;
  private final boolean digests;

  /** With the built-in rules and defaults. */
  public SecretAnalyzer() {
    this(SecretScanner.withDefaults());
  }

  public SecretAnalyzer(SecretScanner scanner) {
    this(scanner, "secret", true);
  }

  private SecretAnalyzer(SecretScanner scanner, String name, boolean digests) {
    this.scanner = scanner;
    this.name = name;
    this.digests = digests;
  }

  /**
   * With the built-in rules and defaults, and also over the third-party dependency trees ({@link
   * SecretScanner#DEPENDENCY_TREES}) and OS packages' files as installed: its findings carry no
   * file checksums, so {@link InstalledFiles} keeps them all. Its own name, so that the layer cache
   * keeps its results apart.
   */
  public static SecretAnalyzer includingDependencyTrees() {
    return new SecretAnalyzer(
        SecretScanner.withDefaults(true), "secret-including-dependencies", false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int version() {
    // 2: third-party dependency trees are no longer scanned (cached results of 1 would keep
    // their findings); 3: Bundler's config in the Ruby image's gem home is scanned again; 4: the
    // generic rule checks the value's shape and reads unquoted values, findings carry the file's
    // checksums, Python runtimes' libraries outside usr/lib are dependency trees; 5: also the
    // SHA-2 checksums rpm records; 6: findings carry a fingerprint; 7: a Twilio key is looked for
    // on every line of a file that mentions Twilio
    return 7;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return scanner.wants(path, info.size());
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    long size = input.info().size();
    if (size > scanner.maxFileSize()) {
      return AnalysisResult.EMPTY;
    }
    InputStream in = input.stream();
    // Read the binary probe first: a binary file (most files of an image of executables) is
    // dropped without reading, copying or allocating the rest of it.
    byte[] data = new byte[(int) Math.min(size, SecretScanner.BINARY_PROBE)];
    int length = in.readNBytes(data, 0, data.length);
    if (SecretScanner.isBinary(data, length)) {
      return AnalysisResult.EMPTY;
    }
    if (length == data.length && data.length < size) {
      data = Arrays.copyOf(data, (int) size);
      length += in.readNBytes(data, length, data.length - length);
    }
    List<SecretFinding> found = scanner.scan(data, length, input.location());
    if (found.isEmpty()) {
      return AnalysisResult.EMPTY;
    }
    if (!digests) {
      return new AnalysisResult(null, null, found, null);
    }
    // Only files with a finding are hashed, for InstalledFiles to tell a package's file as
    // installed from one changed in the image: in each algorithm a package database records
    // (dpkg MD5, apk SHA-1, rpm MD5 or SHA-2 by FILEDIGESTALGO).
    List<String> sums = new java.util.ArrayList<>();
    for (String[] algorithm : DIGESTS) {
      sums.add(digest(algorithm[0], algorithm[1], data, length));
    }
    return new AnalysisResult(
        null, null, found.stream().map(f -> f.withFileDigests(sums)).toList(), null);
  }

  /** Java's name and the recorded name of each checksum a package database may hold. */
  private static final String[][] DIGESTS = {
    {"MD5", "md5"},
    {"SHA-1", "sha1"},
    {"SHA-224", "sha224"},
    {"SHA-256", "sha256"},
    {"SHA-384", "sha384"},
    {"SHA-512", "sha512"}
  };

  private static String digest(String algorithm, String name, byte[] data, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      md.update(data, 0, length);
      return name + ":" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every Java platform", e);
    }
  }
}
