package dev.sekisho.scanner.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InstalledFilesAnalyzerTest {
  private record FakeInput(String path, byte[] data) implements AnalysisInput {
    @Override
    public String layerDigest() {
      return "sha256:base";
    }

    @Override
    public FileInfo info() {
      return new FileInfo(data.length, 0644);
    }

    @Override
    public InputStream stream() {
      return new ByteArrayInputStream(data);
    }

    @Override
    public SeekableByteChannel channel() {
      throw new UnsupportedOperationException("read sequentially");
    }

    @Override
    public java.nio.file.Path file() {
      throw new UnsupportedOperationException("read sequentially");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "var/lib/dpkg/info/perl-modules-5.36.md5sums, true",
    "var/lib/dpkg/info/libssl3:amd64.md5sums, true",
    "var/lib/dpkg/status.d/base-files.md5sums, true",
    "lib/apk/db/installed, true",
    "var/lib/dpkg/info/perl-modules-5.36.list, false",
    "var/lib/dpkg/info/sub/x.md5sums, false",
    "srv/app/var/lib/dpkg/info/x.md5sums, false",
    "var/lib/dpkg/status, false",
  })
  void wantsOnlyPackageChecksumFiles(String path, boolean wanted) {
    assertThat(new InstalledFilesAnalyzer().required(path, new FileInfo(100, 0644)))
        .isEqualTo(wanted);
  }

  private static AnalysisResult analyze(String fixture, String path) throws IOException {
    try (InputStream in = InstalledFilesAnalyzerTest.class.getResourceAsStream(fixture)) {
      return new InstalledFilesAnalyzer().analyze(new FakeInput(path, in.readAllBytes()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "installed/perl-modules-5.36.md5sums | var/lib/dpkg/info/perl-modules-5.36.md5sums"
            + " | usr/share/perl/5.36.0/Module/CoreList.pm perl-modules-5.36"
            + " md5:3c7b2f0a9d1e4b5c6a7f8e9d0c1b2a34;"
            + "usr/share/perl/5.36.0/Pod/Simple.pm perl-modules-5.36"
            + " md5:0123456789abcdef0123456789abcdef;"
            + "usr/share/perl/5.36.0/strict.pm perl-modules-5.36"
            + " md5:fedcba9876543210fedcba9876543210"
            + " | line 3: not \"MD5  PATH\"",
        "installed/perl-modules-5.36.md5sums | var/lib/dpkg/info/perl-modules-5.36:all.md5sums"
            + " | usr/share/perl/5.36.0/Module/CoreList.pm perl-modules-5.36"
            + " md5:3c7b2f0a9d1e4b5c6a7f8e9d0c1b2a34;"
            + "usr/share/perl/5.36.0/Pod/Simple.pm perl-modules-5.36"
            + " md5:0123456789abcdef0123456789abcdef;"
            + "usr/share/perl/5.36.0/strict.pm perl-modules-5.36"
            + " md5:fedcba9876543210fedcba9876543210"
            + " | line 3: not \"MD5  PATH\"",
        "installed/apk-installed | lib/apk/db/installed"
            + " | etc/ssl/cert.pem ca-certificates-bundle"
            + " sha1:a3e029e565dd6d0ed6d230564d3991f52da9cfee;"
            + "lib/ld-musl-x86_64.so.1 musl sha1:000102030405060708090a0b0c0d0e0f10111213"
            + " | line 10: checksum is not base64",
      })
  void readsWhatPackagesInstalledWithTheirChecksums(
      String fixture, String path, String expected, String warning) throws IOException {
    AnalysisResult result = analyze(fixture, path);

    assertThat(
            result.installedFiles().stream()
                .map(f -> f.path() + " " + f.packageName() + " " + f.digest())
                .toList())
        .containsExactlyElementsOf(List.of(expected.split(";")));
    assertThat(result.warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .startsWith("cannot parse " + path + " in layer sha256:base: " + warning));
    assertThat(result.packages()).isEmpty();
  }
}
