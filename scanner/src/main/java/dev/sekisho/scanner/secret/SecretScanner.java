package dev.sekisho.scanner.secret;

import dev.sekisho.scanner.check.Glob;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.SecretFinding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Finds secrets in file contents.
 *
 * <p>Per file: files over the size limit, on a skipped path, or with a binary or media extension
 * are not read at all ({@link #wants}); a file with a NUL byte in its first 8 KiB is binary and
 * skipped (regexes over machine code only produce noise, and it keeps the scan at disk speed); a
 * single keyword pass over the bytes finds where the rules' keywords occur, and only those rules'
 * regexes run: over the whole file for rules whose secret may lie on other lines than the keyword
 * (private keys), else only on the lines holding a keyword (on lines longer than {@value
 * #LONG_LINE} bytes, within {@value #WINDOW} bytes of the keyword), and for rules whose matches
 * begin with their keyword only at each keyword occurrence. Matches whose secret is on the
 * allow-list (documented example values, placeholders) or whose entropy is below the rule's minimum
 * are dropped. The secret is never kept: a finding holds at most its first four characters followed
 * by {@code ****}, and its {@link SecretFingerprint}.
 */
public final class SecretScanner {
  /** Files larger than this are not scanned unless configured otherwise: 10 MiB. */
  public static final long DEFAULT_MAX_FILE_SIZE = 10L * 1024 * 1024;

  /** Bytes inspected for NUL to recognise a binary file. */
  static final int BINARY_PROBE = 8192;

  /** Lines longer than this are regex-scanned in windows around their keywords. */
  static final int LONG_LINE = 4096;

  /** How far a window reaches on each side of a keyword on a long line. */
  static final int WINDOW = 1024;

  /**
   * Paths (without leading slash) never scanned by default: documentation and package databases,
   * then {@link #DEPENDENCY_TREES}.
   */
  public static final List<String> DEFAULT_SKIP_PATHS;

  /**
   * The trees where package managers install third-party code (npm's {@code node_modules}, Python's
   * {@code site-packages} and standard library, the Go toolchain and module cache, Ruby gems): part
   * of {@link #DEFAULT_SKIP_PATHS}, scanned only on request ({@link #withDefaults(boolean)}).
   *
   * <p>They are skipped as gitleaks' and Trivy's default allow-lists skip them: what they hold was
   * published by others (their test keys, example tokens and fixtures are the bulk of the false
   * positives on real images) and they are much of an image's text. The image's own files,
   * including its lock files and {@code .npmrc}, are still scanned.
   */
  public static final List<String> DEPENDENCY_TREES =
      List.of(
          "node_modules/**",
          "**/node_modules/**",
          "bower_components/**",
          "**/bower_components/**",
          "opt/yarn-v*/**",
          "**/site-packages/**",
          "**/dist-packages/**",
          "usr/lib/python*/**",
          "usr/lib64/python*/**",
          "usr/local/lib/python*/**",
          // a Python runtime elsewhere (pyenv, conda, a copied or built interpreter): its standard
          // library's test suite holds test keys and certificates
          "**/lib/python2*/**",
          "**/lib/python3*/**",
          // Perl's and Ruby's own libraries when not installed by the OS package manager
          "usr/local/lib/perl5/**",
          "usr/local/lib/ruby/**",
          "usr/local/go/**",
          "usr/lib/go-*/**",
          "go/pkg/mod/**",
          "**/go/pkg/mod/**",
          "var/lib/gems/**",
          // the Ruby image's gem home; its config (private gem servers' credentials) is scanned
          "usr/local/bundle/gems/**",
          "usr/local/bundle/bundler/gems/**",
          "**/vendor/bundle/**");

  private static final List<String> DOCS_AND_DATABASES =
      List.of(
          "usr/share/doc/**",
          "usr/share/man/**",
          "usr/share/info/**",
          "usr/share/locale/**",
          "usr/share/i18n/**",
          "usr/share/zoneinfo/**",
          "usr/share/mime/**",
          "usr/include/**",
          "var/lib/dpkg/**",
          "var/lib/rpm/**",
          "var/lib/apk/**",
          "lib/apk/db/**",
          "var/cache/**",
          "proc/**",
          "sys/**");

  static {
    List<String> all = new ArrayList<>(DOCS_AND_DATABASES);
    all.addAll(DEPENDENCY_TREES);
    DEFAULT_SKIP_PATHS = List.copyOf(all);
  }

  /**
   * Extensions of binary or media formats (checked before reading), lower case; shared objects also
   * with version suffixes ({@code libssl.so.3}). A set rather than a pattern: the pattern, {@code
   * .*\.(?:…)$}, backtracked over every path of every layer.
   */
  private static final Set<String> BINARY_EXTENSIONS =
      Set.of(
          "so", "a", "o", "ko", "class", "pyc", "pyo", "jar", "war", "ear", "whl", "egg", "zip",
          "gz", "tgz", "xz", "bz2", "zst", "lz4", "7z", "rar", "png", "jpg", "jpeg", "gif", "bmp",
          "ico", "webp", "tif", "tiff", "svgz", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4",
          "ogg", "wav", "avi", "mov", "pdf", "mo", "db", "sqlite", "bin", "dat", "iso", "img",
          "qcow2");

  /** Whether the path ends in one of {@link #BINARY_EXTENSIONS}, in any ASCII case. */
  static boolean isBinaryName(String path) {
    int dot = path.lastIndexOf('.');
    if (dot < 0) {
      return false;
    }
    if (BINARY_EXTENSIONS.contains(asciiLowerCase(path, dot + 1, path.length()))) {
      return true;
    }
    // libfoo.so.1.2.3: strip the numeric parts, then look for .so
    int end = path.length();
    while (dot >= 0 && isDigits(path, dot + 1, end)) {
      end = dot;
      dot = path.lastIndexOf('.', end - 1);
    }
    return end < path.length()
        && end >= 3
        && path.charAt(end - 3) == '.'
        && (path.charAt(end - 2) | 0x20) == 's'
        && (path.charAt(end - 1) | 0x20) == 'o';
  }

  /** {@code s[from, to)} in lower case when it is ASCII letters and digits, else "". */
  private static String asciiLowerCase(String s, int from, int to) {
    if (to - from > 6) {
      return ""; // longer than every extension
    }
    char[] out = new char[to - from];
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c | 0x20);
      } else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
        return "";
      }
      out[i - from] = c;
    }
    return new String(out);
  }

  private static boolean isDigits(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Values that are documented examples or placeholders, not secrets: matched case-insensitively as
   * substrings of the secret.
   */
  public static final List<String> DEFAULT_ALLOWED_SUBSTRINGS =
      List.of(
          "example",
          "placeholder",
          "changeme",
          "change_me",
          "xxxxxxxx",
          "dummy",
          "sample",
          "your_",
          "your-",
          "<your",
          "${",
          "{{",
          "%s",
          "redacted",
          "****");

  /** Exact values published as examples by their issuers (the jwt.io sample token, …). */
  public static final Set<String> DEFAULT_ALLOWED_VALUES =
      Set.of(
          "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");

  private final List<SecretRule> rules;
  private final KeywordIndex keywords;
  private final long maxFileSize;
  private final List<Glob> skipPaths;
  private final List<String> allowedSubstrings;
  private final Set<String> allowedValues;

  /**
   * @param rules the rules (at most 64)
   * @param maxFileSize files larger than this are skipped
   * @param skipPaths globs over paths without a leading slash
   * @param allowedSubstrings lower-case substrings that mark a value as an example
   * @param allowedValues exact values that are examples
   */
  public SecretScanner(
      List<SecretRule> rules,
      long maxFileSize,
      List<String> skipPaths,
      List<String> allowedSubstrings,
      Set<String> allowedValues) {
    this.rules = List.copyOf(rules);
    this.keywords = new KeywordIndex(this.rules.stream().map(SecretRule::keywords).toList());
    this.maxFileSize = maxFileSize;
    this.skipPaths = skipPaths.stream().map(Glob::compile).toList();
    this.allowedSubstrings =
        allowedSubstrings.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    this.allowedValues = Set.copyOf(allowedValues);
  }

  /** The built-in rules with the default limits, skip list and allow-list. */
  public static SecretScanner withDefaults() {
    return withDefaults(false);
  }

  /**
   * The built-in rules with the default limits and allow-list.
   *
   * @param scanDependencyTrees also scan the {@link #DEPENDENCY_TREES}
   */
  public static SecretScanner withDefaults(boolean scanDependencyTrees) {
    return new SecretScanner(
        SecretRules.defaults(),
        DEFAULT_MAX_FILE_SIZE,
        scanDependencyTrees ? DOCS_AND_DATABASES : DEFAULT_SKIP_PATHS,
        DEFAULT_ALLOWED_SUBSTRINGS,
        DEFAULT_ALLOWED_VALUES);
  }

  /** The size limit in bytes. */
  public long maxFileSize() {
    return maxFileSize;
  }

  /**
   * Whether a file is worth reading: not empty, within the size limit, not on a skipped path, not a
   * binary or media format by its name. Pure and cheap.
   *
   * @param path path without a leading slash
   */
  public boolean wants(String path, long size) {
    if (size <= 0 || size > maxFileSize) {
      return false;
    }
    if (isBinaryName(path)) {
      return false;
    }
    for (Glob g : skipPaths) {
      if (g.matches(path)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the first {@value #BINARY_PROBE} bytes contain a NUL. */
  static boolean isBinary(byte[] data, int length) {
    int n = Math.min(length, BINARY_PROBE);
    for (int i = 0; i < n; i++) {
      if (data[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Scans one file's contents.
   *
   * @param data the bytes (only {@code [0, length)} is read)
   * @param location where the file is, for the findings
   */
  public List<SecretFinding> scan(byte[] data, int length, Location location) {
    if (length == 0 || isBinary(data, length)) {
      return List.of();
    }
    KeywordIndex.Hits hits = keywords.find(data, length);
    long candidates = hits.rules();
    if (candidates == 0) {
      return List.of();
    }
    FileScan file = new FileScan(data, length, location, hits);
    for (int r = 0; r < rules.size(); r++) {
      long bit = 1L << r;
      if ((candidates & bit) != 0) {
        file.run(rules.get(r), bit);
      }
    }
    return file.found;
  }

  /** One file's scan: its bytes, keyword hits and findings so far. */
  private final class FileScan {
    private final byte[] data;
    private final int length;
    private final Location location;
    private final KeywordIndex.Hits hits;
    // ISO-8859-1 maps each byte to one char, so string offsets are byte offsets.
    private final String text;
    private final LineCounter lines;
    private final List<SecretFinding> found = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    // [start, end) of the secrets found by the rules for formats, in pairs
    private final List<Integer> secretsFound = new ArrayList<>();
    // the line holding the latest keyword hit looked at, [lineFrom, lineTo)
    private int lineFrom;
    private int lineTo;

    FileScan(byte[] data, int length, Location location, KeywordIndex.Hits hits) {
      this.data = data;
      this.length = length;
      this.location = location;
      this.hits = hits;
      this.text = new String(data, 0, length, StandardCharsets.ISO_8859_1);
      this.lines = new LineCounter(text);
    }

    /** Runs one rule (bit {@code bit} of the keyword hits). */
    void run(SecretRule rule, long bit) {
      Matcher m = rule.pattern().matcher(text);
      if (rule.multiLine()) {
        collect(rule, m);
        return;
      }
      // Run the regex only around the keywords: on the lines that hold one or, on a long line
      // (minified code, one-line JSON), on windows around them. Regions see the bytes beyond
      // them for word boundaries and look-arounds (transparent bounds), so a line region finds
      // exactly what a whole-file pass finds on that line.
      m.useTransparentBounds(true);
      lineFrom = 0;
      lineTo = 0;
      if (rule.startsAtKeyword()) {
        tryAtKeywords(rule, bit, m);
        return;
      }
      int from = -1;
      int to = -1;
      for (int h = 0; h < hits.count(); h++) {
        if ((hits.rulesAt(h) & bit) == 0) {
          continue;
        }
        int at = hits.end(h) - 1;
        toLineOf(at);
        int start = lineFrom;
        int end = lineTo;
        if (end - start > LONG_LINE) {
          start = Math.max(start, at - WINDOW);
          end = Math.min(end, at + WINDOW);
        }
        if (start <= to) {
          to = Math.max(to, end); // overlaps the pending region: one regex pass for both
          continue;
        }
        if (from >= 0) {
          collect(rule, m.region(from, to));
        }
        from = start;
        to = end;
      }
      if (from >= 0) {
        collect(rule, m.region(from, to));
      }
    }

    /**
     * Tries a rule whose matches begin at its keywords ({@link SecretRule#startsAtKeyword}) at each
     * of its keyword occurrences, bounded like a line search: by the end of the keyword's line or,
     * on a long line, {@value #WINDOW} bytes past the keyword. The keyword pass reports where
     * keywords end; each of the rule's keywords that ends there gives a start.
     */
    private void tryAtKeywords(SecretRule rule, long bit, Matcher m) {
      m.useAnchoringBounds(false);
      for (int h = 0; h < hits.count(); h++) {
        if ((hits.rulesAt(h) & bit) == 0) {
          continue;
        }
        int end = hits.end(h);
        int at = end - 1;
        toLineOf(at);
        int limit = lineTo - lineFrom > LONG_LINE ? Math.min(lineTo, at + WINDOW) : lineTo;
        for (String keyword : rule.keywords()) {
          int start = end - keyword.length();
          if (start >= lineFrom && keywordAt(start, keyword)) {
            m.region(start, limit);
            if (m.lookingAt()) {
              record(rule, m);
            }
          }
        }
      }
    }

    /** Moves [lineFrom, lineTo) to the line holding {@code at} (hits come in increasing order). */
    private void toLineOf(int at) {
      if (at < lineTo) {
        return;
      }
      int i = at;
      while (i > lineTo && data[i - 1] != '\n') {
        i--;
      }
      lineFrom = i;
      i = at;
      while (i < length && data[i] != '\n') {
        i++;
      }
      lineTo = i;
    }

    /** Whether the file holds {@code keyword} (lower-case ASCII) at {@code start}, in any case. */
    private boolean keywordAt(int start, String keyword) {
      for (int i = 0; i < keyword.length(); i++) {
        int b = data[start + i];
        if (b >= 'A' && b <= 'Z') {
          b |= 0x20;
        }
        if (b != keyword.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    private void collect(SecretRule rule, Matcher m) {
      if (!rule.checksShape()) {
        while (m.find()) {
          record(rule, m);
        }
        return;
      }
      // A generic value may run over a later keyword (an unquoted value can hold '=' and ':'):
      // look again from the next character, as trying the rule at every keyword does.
      int end = m.regionEnd();
      while (m.find()) {
        record(rule, m);
        if (m.start() + 1 >= end) {
          break;
        }
        m.region(m.start() + 1, end);
      }
    }

    /** Adds the matcher's current match, unless allowed, of low entropy, or on a line seen. */
    private void record(SecretRule rule, Matcher m) {
      // the secret is the first group, from secretGroup on, that took part in the match (a rule
      // may have alternatives, such as a quoted and an unquoted value)
      String secret = null;
      int group = rule.secretGroup();
      for (; group <= m.groupCount(); group++) {
        secret = m.group(group);
        if (secret != null) {
          break;
        }
      }
      if (secret == null || isAllowed(secret)) {
        return;
      }
      if (rule.checksShape() && !ValueShape.isSecret(secret)) {
        return;
      }
      // a generic rule (last in the list) does not repeat a secret that a rule for its format
      // found: AWS_SECRET_ACCESS_KEY=..., password = pypi-...
      if (rule.checksShape()) {
        for (int i = 0; i < secretsFound.size(); i += 2) {
          if (m.start(group) < secretsFound.get(i + 1) && secretsFound.get(i) < m.end(group)) {
            return;
          }
        }
      } else {
        secretsFound.add(m.start(group));
        secretsFound.add(m.end(group));
      }
      int line = lines.lineOf(m.start());
      if (seen.add(rule.id() + ":" + line)) {
        found.add(
            new SecretFinding(
                rule.id(),
                rule.title(),
                rule.severity(),
                location,
                line,
                redact(secret),
                SecretFingerprint.of(rule.id(), location.path(), secret)));
      }
    }
  }

  private boolean isAllowed(String secret) {
    if (allowedValues.contains(secret)) {
      return true;
    }
    String lower = secret.toLowerCase(Locale.ROOT);
    for (String s : allowedSubstrings) {
      if (lower.contains(s)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The secret with all but its first four characters masked: {@code AKIA****}. Leading whitespace
   * and escaped newlines (a PEM body in JSON) are dropped first; a secret of eight characters or
   * fewer shows nothing.
   */
  public static String redact(String secret) {
    String s = secret.strip();
    while (s.startsWith("\\n")) {
      s = s.substring(2).strip();
    }
    return s.length() <= 8 ? "****" : s.substring(0, 4) + "****";
  }

  /** Shannon entropy of the characters of {@code s}, in bits per character. */
  public static double shannonEntropy(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double entropy = 0;
    double n = s.length();
    for (int c : counts) {
      if (c > 0) {
        double p = c / n;
        entropy -= p * (Math.log(p) / Math.log(2));
      }
    }
    if (other > 0) {
      double p = other / n;
      entropy -= p * (Math.log(p) / Math.log(2));
    }
    return entropy;
  }

  /** Line numbers of offsets, counted once per file. */
  private static final class LineCounter {
    private final String text;
    private int[] starts;

    LineCounter(String text) {
      this.text = text;
    }

    int lineOf(int offset) {
      if (starts == null) {
        List<Integer> s = new ArrayList<>();
        s.add(0);
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
          s.add(i + 1);
        }
        starts = s.stream().mapToInt(Integer::intValue).toArray();
      }
      int lo = 0;
      int hi = starts.length - 1;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (starts[mid] <= offset) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      return lo + 1;
    }
  }
}
