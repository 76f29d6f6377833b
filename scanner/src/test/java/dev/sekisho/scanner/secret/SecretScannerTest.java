package dev.sekisho.scanner.secret;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.SecretFinding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SecretScannerTest {
  record Case(String name, String path, String content, List<String> expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final ObjectMapper MAPPER = new YAMLMapper();
  private static final Pattern GENERATOR =
      Pattern.compile("@(alnum|b32|hex|b64|lower|alpha|bech32)_(\\d+)@");
  private static final SecretScanner SCANNER = SecretScanner.withDefaults();

  static Stream<Case> cases() throws IOException {
    try (InputStream in = SecretScannerTest.class.getResourceAsStream("cases.yaml")) {
      return Stream.of(MAPPER.readValue(in, Case[].class));
    }
  }

  /** Replaces the @KIND_n@ generators with seeded random characters. */
  static String generate(String template, long seed) {
    Random random = new Random(seed);
    Matcher m = GENERATOR.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String alphabet =
          switch (m.group(1)) {
            case "alnum" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            case "b32" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            case "hex" -> "0123456789abcdef";
            case "b64" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            case "alpha" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            case "bech32" -> "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
            default -> "abcdefghijklmnopqrstuvwxyz0123456789";
          };
      StringBuilder value = new StringBuilder();
      for (int i = 0; i < Integer.parseInt(m.group(2)); i++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value.toString()));
    }
    m.appendTail(out);
    return out.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void findsWhatTheRulesDescribe(Case c) {
    String content = generate(c.content(), c.name().hashCode());
    byte[] data = content.getBytes(StandardCharsets.UTF_8);

    List<SecretFinding> found =
        SCANNER.scan(data, data.length, new Location("sha256:layer", "/" + c.path()));

    assertThat(found.stream().map(f -> f.ruleId() + " " + f.line()))
        .containsExactlyInAnyOrderElementsOf(
            c.expect().stream().map(e -> e.split(" ")[0] + " " + e.split(" ")[1]).toList());
    for (String e : c.expect()) {
      String[] parts = e.split(" ");
      if (parts.length > 2) {
        String prefix = parts[2].replace("****", "");
        assertThat(found)
            .filteredOn(f -> f.ruleId().equals(parts[0]))
            .allSatisfy(f -> assertThat(f.redacted()).startsWith(prefix));
      }
    }
    for (SecretFinding f : found) {
      assertThat(f.location().path()).isEqualTo("/" + c.path());
      assertThat(f.location().layerDigest()).isEqualTo("sha256:layer");
      String shown = f.redacted().replace("****", "");
      assertThat(shown.length()).as("at most four characters shown").isLessThanOrEqualTo(4);
      assertThat(content).contains(shown);
    }
  }

  @Test
  void neverKeepsMoreThanFourCharactersOfAnySecret() {
    String content = generate("AWS_SECRET_ACCESS_KEY=@b64_40@\nghp_@alnum_36@\n", 7);
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    for (SecretFinding f : SCANNER.scan(data, data.length, new Location(null, "/x"))) {
      assertThat(f.toString()).doesNotContain(content.substring(22, 62));
      assertThat(f.redacted()).matches("^.{0,4}\\*\\*\\*\\*$");
    }
  }

  @ParameterizedTest(name = "{0} size {1} wanted={2}")
  @CsvSource({
    "app/config.yaml, 100, true",
    "app/config.yaml, 0, false",
    "app/big.log, 10485761, false",
    "app/big.log, 10485760, true",
    "usr/share/doc/openssl/README, 100, false",
    "usr/lib/x86_64-linux-gnu/libssl.so.3, 100, false",
    "usr/lib/libfoo.so, 100, false",
    "app/lib/site.sort.py, 100, true",
    "app/.npmrc, 100, true",
    "srv/app/package-lock.json, 100, true",
    "srv/app/config/node_modules.txt, 100, true",
    "srv/app/node_modules/left-pad/index.js, 100, false",
    "node_modules/x/test/key.pem, 100, false",
    "usr/local/lib/python3.12/site-packages/botocore/data/x.json, 100, false",
    "opt/venv/lib/python3.12/site-packages/x/conf.py, 100, false",
    "usr/lib/python3/dist-packages/x/conf.py, 100, false",
    "usr/lib/python3.11/test/certdata/keycert.pem, 100, false",
    "opt/python/lib/python3.11/test/certdata/keycert.pem, 100, false",
    "root/.pyenv/versions/3.11.9/lib/python3.11/test/keycert2.pem, 100, false",
    "opt/conda/lib/python3.11/test/certdata/badcert.pem, 100, false",
    "usr/local/lib/perl5/5.36.0/Module/CoreList.pm, 100, false",
    "usr/local/lib/ruby/3.3.0/openssl/ssl.rb, 100, false",
    "srv/app/lib/python_helpers/settings.py, 100, true",
    "usr/local/go/src/crypto/tls/testdata/example-key.pem, 100, false",
    "go/pkg/mod/github.com/x/y@v1.0.0/key_test.go, 100, false",
    "root/go/pkg/mod/github.com/x/y@v1.0.0/key_test.go, 100, false",
    "usr/local/bundle/gems/x-1.0/spec/fixtures/key.pem, 100, false",
    "usr/local/bundle/bundler/gems/x-0123abcd/spec/key.pem, 100, false",
    "usr/local/bundle/config, 100, true",
    "app/vendor/bundle/ruby/3.3.0/gems/x-1.0/key.pem, 100, false",
    "app/.bundle/config, 100, true",
    "usr/share/nginx/html/config.js, 100, true",
    "srv/app/vendor/config.php, 100, true",
    "app/socket.sock.conf, 100, true",
    "var/lib/dpkg/status, 100, false",
    "app/logo.PNG, 100, false",
    "app/app.jar, 100, false",
  })
  void wantsOnlyFilesWorthReading(String path, long size, boolean wanted) {
    assertThat(SCANNER.wants(path, size)).isEqualTo(wanted);
  }

  @Test
  void dependencyTreesAreReadOnlyWhenAskedFor() {
    String inDependency = "srv/app/node_modules/sdk/test/fixture.js";
    assertThat(SecretScanner.withDefaults().wants(inDependency, 100)).isFalse();
    assertThat(SecretScanner.withDefaults(true).wants(inDependency, 100)).isTrue();
    // documentation and package databases stay skipped either way
    assertThat(SecretScanner.withDefaults(true).wants("usr/share/doc/x/README", 100)).isFalse();
    assertThat(SecretScanner.DEFAULT_SKIP_PATHS).containsAll(SecretScanner.DEPENDENCY_TREES);
    assertThat(new SecretAnalyzer().name())
        .isNotEqualTo(SecretAnalyzer.includingDependencyTrees().name());
  }

  @ParameterizedTest(name = "entropy({0}) = {1}")
  @CsvSource({"aaaa, 0.0", "abab, 1.0", "abcd, 2.0", "abcdefgh, 3.0"})
  void shannonEntropy(String s, double bits) {
    assertThat(SecretScanner.shannonEntropy(s))
        .isCloseTo(bits, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aKeywordAcrossTheWholeFileIsFoundWhereverItIs() {
    byte[] data = new byte[100_000];
    java.util.Arrays.fill(data, (byte) 'x');
    byte[] tail = generate("\nGHP_@alnum_2@ ghp_@alnum_36@\n", 3).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tail, 0, data, data.length - tail.length, tail.length);
    assertThat(SCANNER.scan(data, data.length, new Location(null, "/x")))
        .singleElement()
        .satisfies(f -> assertThat(f.line()).isEqualTo(2));
  }

  /**
   * The regexes run only on the lines holding a keyword: a file must give exactly the findings of
   * its lines scanned one by one (no region bleeds into the next line, none is missed), over random
   * files mixing every single-line rule's keywords, secrets and filler.
   */
  @Test
  void findsOnEachLineWhatThatLineAloneGives() {
    List<String> fragments =
        List.of(
            "password = \"@alnum_16@\"",
            "PASSWORD: '@b64_24@'",
            "db_token=\"@alnum_20@\" token",
            "api-key => '@alnum_30@'",
            "AKIA@b32_16@",
            "aws_secret_access_key = @b64_40@",
            "ghp_@alnum_36@",
            "xoxb-@lower_12@-@lower_10@",
            "twilio SK@hex_32@",
            "sk_live_@alnum_30@",
            "npm_@alnum_36@",
            "eyJ@alnum_12@.eyJ@alnum_12@.@alnum_12@",
            "secret",
            "Token",
            "word",
            "x = 1;",
            "  ",
            "example");
    Random random = new Random(11);
    for (int file = 0; file < 300; file++) {
      StringBuilder content = new StringBuilder();
      int lineCount = 1 + random.nextInt(12);
      for (int l = 0; l < lineCount; l++) {
        for (int f = random.nextInt(5); f > 0; f--) {
          content.append(fragments.get(random.nextInt(fragments.size()))).append(' ');
        }
        content.append('\n');
      }
      String text = generate(content.toString(), file);
      byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
      List<String> expected = new java.util.ArrayList<>();
      String[] lines = text.split("\n", -1);
      for (int l = 0; l < lines.length; l++) {
        byte[] line = lines[l].getBytes(StandardCharsets.ISO_8859_1);
        for (SecretFinding f : SCANNER.scan(line, line.length, new Location(null, "/x"))) {
          expected.add(f.ruleId() + " " + (l + 1) + " " + f.redacted());
        }
      }

      List<SecretFinding> found = SCANNER.scan(data, data.length, new Location(null, "/x"));

      assertThat(found.stream().map(f -> f.ruleId() + " " + f.line() + " " + f.redacted()))
          .as("file %d:%n%s", file, text)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  /**
   * Rules that claim to begin at their keywords ({@link SecretRule#startsAtKeyword}) are tried only
   * there: over random files of every such rule's secrets, keywords in odd cases, overlapping and
   * glued keywords, and long lines, they find exactly what searching the same lines finds.
   */
  @Test
  void rulesTriedAtTheirKeywordsFindWhatALineSearchFinds() {
    SecretScanner lineSearch =
        new SecretScanner(
            SecretRules.defaults().stream()
                .map(r -> r.multiLine() ? r : r.searchedAlongLines())
                .toList(),
            SecretScanner.DEFAULT_MAX_FILE_SIZE,
            SecretScanner.DEFAULT_SKIP_PATHS,
            SecretScanner.DEFAULT_ALLOWED_SUBSTRINGS,
            SecretScanner.DEFAULT_ALLOWED_VALUES);
    List<String> fragments =
        List.of(
            "AKIA@b32_16@",
            "AKIAAKIA@b32_16@",
            "aws_secret_access_key = @b64_40@",
            "AWS-KEY: \"@b64_40@\"",
            "AIza@alnum_35@",
            "AccountKey=@b64_86@==",
            "ghp_@alnum_36@",
            "xghp_@alnum_36@",
            "github_pat_@alnum_82@",
            "gho_@alnum_36@",
            "glpat-@alnum_20@",
            "ATBB@alnum_32@",
            "glptt-@hex_40@",
            "gldt-@alnum_20@",
            "sk-ant-api03-@alnum_93@AA",
            "hf_@alpha_34@",
            "dop_v1_@hex_64@",
            "shpat_@hex_32@",
            "AGE-SECRET-KEY-1@bech32_58@",
            "xoxb-@lower_12@-@lower_10@",
            "sk_live_@alnum_30@",
            "SG.@alnum_22@.@alnum_43@",
            "npm_@alnum_36@",
            "_authToken=@alnum_24@",
            "pypi-AgEIcHlwaS5vcmc@alnum_60@",
            "eyJ@alnum_12@.eyJ@alnum_12@.@alnum_12@",
            "password = \"@alnum_16@\"",
            "PaSsWd:'@alnum_12@'",
            "API-KEY: '@alnum_20@'",
            "access-key => \"@alnum_20@\"",
            "db_secret_token=\"@alnum_20@\"",
            "tokenpassword='@alnum_20@'",
            "secret='example-@alnum_10@'",
            "token",
            "Secret",
            "aws",
            "x = 1;",
            "var a=function(b){return b.c+1};");
    Random random = new Random(23);
    java.util.Set<String> rulesSeen = new java.util.TreeSet<>();
    for (int file = 0; file < 400; file++) {
      StringBuilder content = new StringBuilder();
      int lineCount = 1 + random.nextInt(8);
      for (int l = 0; l < lineCount; l++) {
        int pieces = random.nextInt(10) == 0 ? 200 + random.nextInt(400) : random.nextInt(6);
        for (int f = pieces; f > 0; f--) {
          content.append(fragments.get(random.nextInt(fragments.size())));
          content.append(random.nextBoolean() ? " " : "");
        }
        content.append('\n');
      }
      byte[] data = generate(content.toString(), file).getBytes(StandardCharsets.ISO_8859_1);

      List<String> expected =
          lineSearch.scan(data, data.length, new Location(null, "/x")).stream()
              .map(f -> f.ruleId() + " " + f.line() + " " + f.redacted())
              .toList();
      List<String> found =
          SCANNER.scan(data, data.length, new Location(null, "/x")).stream()
              .map(f -> f.ruleId() + " " + f.line() + " " + f.redacted())
              .toList();

      assertThat(found).as("file %d", file).containsExactlyInAnyOrderElementsOf(expected);
      found.forEach(f -> rulesSeen.add(f.split(" ")[0]));
    }
    assertThat(rulesSeen)
        .containsAll(
            SecretRules.defaults().stream()
                .filter(SecretRule::startsAtKeyword)
                .map(SecretRule::id)
                .toList());
  }

  @Test
  void findsSecretsNearKeywordsOnVeryLongLines() {
    StringBuilder line = new StringBuilder();
    while (line.length() < 200_000) {
      line.append("var a=function(b){return b.c+1};");
    }
    line.insert(100_000, generate("x={password:\"@alnum_20@\"};", 5));
    line.insert(5_000, "/*token*/");
    line.append(generate("y=\"ghp_@alnum_36@\"", 6));
    String text = "// minified\n" + line + "\n";
    byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);

    assertThat(SCANNER.scan(data, data.length, new Location(null, "/app.min.js")))
        .extracting(f -> f.ruleId() + " " + f.line())
        .containsExactlyInAnyOrder("generic-secret-assignment 2", "github-pat 2");
  }

  @Test
  void keywordIndexReportsEveryOccurrenceCaseInsensitively() {
    KeywordIndex index =
        new KeywordIndex(List.of(List.of("token"), List.of("ken", "aws"), List.of("secret")));
    byte[] data = "a TOKEN; aws.Token\nsecre secret".getBytes(StandardCharsets.ISO_8859_1);

    KeywordIndex.Hits hits = index.find(data, data.length);

    List<String> seen = new java.util.ArrayList<>();
    for (int i = 0; i < hits.count(); i++) {
      seen.add(hits.end(i) + ":" + Long.toBinaryString(hits.rulesAt(i)));
    }
    // "TOKEN" ends at 7 (rules 0 and 1 via "ken"), "aws" at 12, "Token" at 18, "secret" at 31
    assertThat(seen).containsExactly("7:11", "12:10", "18:11", "31:100");
    assertThat(hits.rules()).isEqualTo(0b111);
    assertThat(index.find(new byte[] {'t', 'o', 'k'}, 3).count()).isZero();
  }

  /** The pattern the extension set replaced: the set must say the same about every name. */
  private static final Pattern BINARY_NAME_REFERENCE =
      Pattern.compile(
          "(?i).*\\.(?:so(?:\\.\\d+)*|a|o|ko|class|pyc|pyo|jar|war|ear|whl|egg|zip|gz|tgz|xz|bz2|zst"
              + "|lz4|7z|rar|png|jpe?g|gif|bmp|ico|webp|tiff?|svgz|woff2?|ttf|otf|eot|mp3|mp4|ogg"
              + "|wav|avi|mov|pdf|mo|db|sqlite|bin|dat|iso|img|qcow2)$");

  @ParameterizedTest
  @CsvSource({
    "usr/lib/libssl.so.3, true",
    "usr/lib/LIBFOO.SO.1.2.3, true",
    "usr/lib/libfoo.so, true",
    "usr/lib/libfoo.so., false",
    "usr/lib/libfoo.so.x, false",
    "usr/lib/libfoo.1, false",
    "app/Main.class, true",
    "app/photo.JPEG, true",
    "app/a.tar.gz, true",
    "app/notes.txt, false",
    "app/config.so/settings.yaml, false",
    "app/.so, true",
    "so, false",
    "1.2, false",
    "app/x.woff2, true",
    "app/x.tif, true",
  })
  void binaryNamesByExtension(String path, boolean binary) {
    assertThat(SecretScanner.isBinaryName(path)).isEqualTo(binary);
    assertThat(BINARY_NAME_REFERENCE.matcher(path).matches()).isEqualTo(binary);
  }

  @Test
  void binaryNamesAgreeWithThePatternOnRandomNames() {
    String[] parts = {
      "so", "SO", "sO", "1", "22", ".", "/", "a", "o", "jar", "Jpg", "jpe", "tiff", "woff2", "x",
      "qcow2", "gz", "tar", "ſo", "K", "ko", "\u212Ao", "-", "db", "sqlite3", "7z", ""
    };
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder name = new StringBuilder();
      int n = 1 + random.nextInt(7);
      for (int j = 0; j < n; j++) {
        name.append(parts[random.nextInt(parts.length)]);
      }
      String path = name.toString();
      assertThat(SecretScanner.isBinaryName(path))
          .as(path)
          .isEqualTo(BINARY_NAME_REFERENCE.matcher(path).matches());
    }
  }
}
