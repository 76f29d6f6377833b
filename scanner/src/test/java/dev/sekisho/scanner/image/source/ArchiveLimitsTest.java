package dev.sekisho.scanner.image.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.layer.LayerWalker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Image archives are indexed header by header and extracted under a byte budget. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArchiveLimitsTest {
  @TempDir Path dir;

  /** Names that need GNU long-name and PAX headers, odd sizes, and entries that are not files. */
  private Map<String, byte[]> writeTar(Path tar, int longFileMode) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    files.put("blobs/sha256/" + "a".repeat(64), new byte[] {1, 2, 3});
    files.put("blobs/" + "long-directory-name/".repeat(12) + "file", bytes(1000, 7));
    files.put("blobs/non-ascii-ファイル-" + "ü".repeat(60), bytes(513, 9));
    files.put("empty", new byte[0]);
    files.put("index.json", bytes(4096, 3));
    try (OutputStream out = Files.newOutputStream(tar);
        TarArchiveOutputStream t = new TarArchiveOutputStream(out, "UTF-8")) {
      t.setLongFileMode(longFileMode);
      TarArchiveEntry d = new TarArchiveEntry("blobs/");
      t.putArchiveEntry(d);
      t.closeArchiveEntry();
      TarArchiveEntry link = new TarArchiveEntry("link", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("index.json");
      t.putArchiveEntry(link);
      t.closeArchiveEntry();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        t.putArchiveEntry(e);
        t.write(f.getValue());
        t.closeArchiveEntry();
      }
    }
    return files;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  @Test
  void aPlainTarIsIndexedAtTheSameOffsetsAsCommonsCompressTarFile() throws IOException {
    for (int mode :
        new int[] {TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.LONGFILE_POSIX}) {
      Path tar = dir.resolve("layout-" + mode + ".tar");
      Map<String, byte[]> files = writeTar(tar, mode);
      TarBlobStore store = new TarBlobStore(tar, ArchiveLimits.DEFAULT);
      try (TarFile reference = new TarFile(tar)) {
        for (TarArchiveEntry e : reference.getEntries()) {
          if (LayerWalker.isRegularFile(e)) {
            assertThat(store.size(e.getName())).as(e.getName()).isEqualTo(e.getSize());
          }
        }
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        try (InputStream in = store.open(f.getKey())) {
          assertThat(in.readAllBytes()).as(f.getKey()).isEqualTo(f.getValue());
        }
      }
      assertThat(store.size("link")).isEqualTo(-1);
    }
  }

  @Test
  void aPlainTarWithMoreEntriesThanTheLimitIsRefusedNamingTheLimit() throws IOException {
    Path tar = dir.resolve("many.tar");
    writeTar(tar, TarArchiveOutputStream.LONGFILE_POSIX); // 8 entries: 6 files, a directory, a link
    assertThat(new TarBlobStore(tar, new ArchiveLimits(8, 1 << 20)).size("empty")).isZero();
    assertThatThrownBy(() -> new TarBlobStore(tar, new ArchiveLimits(7, 1 << 20)))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("the archive " + tar + " has more than 7 entries")
        .hasMessageContaining("-Dsekisho.archive.maxEntries=N raises it");
  }

  @Test
  void aCompressedArchiveIsExtractedOnlyWithinItsByteBudget() throws IOException {
    Path tar = dir.resolve("layout.tar");
    long total =
        writeTar(tar, TarArchiveOutputStream.LONGFILE_POSIX).values().stream()
            .mapToLong(b -> b.length)
            .sum();
    Path gz = dir.resolve("layout.tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(tar, out);
    }
    ImageSources.Archive ok = ImageSources.archive(gz, new ArchiveLimits(100, total));
    try (InputStream in = ok.store().open("index.json")) {
      assertThat(in.readAllBytes()).hasSize(4096);
    } finally {
      ok.cleanup().close();
    }
    assertThatThrownBy(() -> ImageSources.archive(gz, new ArchiveLimits(100, 1000)))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("the compressed archive " + gz + " extracts to more than 1000 bytes")
        .hasMessageContaining("-Dsekisho.archive.maxExtracted=SIZE");
    assertThatThrownBy(() -> ImageSources.archive(gz, new ArchiveLimits(3, 1 << 20)))
        .isInstanceOf(ImageAccessException.class)
        .hasMessageContaining("has more than 3 entries");
  }

  @Test
  void limitsComeFromSystemPropertiesAndAMalformedOneIsNamed() {
    Properties p = new Properties();
    assertThat(ArchiveLimits.from(p)).isEqualTo(ArchiveLimits.DEFAULT);
    p.setProperty(ArchiveLimits.MAX_ENTRIES_PROPERTY, "500000");
    p.setProperty(ArchiveLimits.MAX_EXTRACTED_PROPERTY, "100g");
    assertThat(ArchiveLimits.from(p)).isEqualTo(new ArchiveLimits(500_000, 100L << 30));
    p.setProperty(ArchiveLimits.MAX_ENTRIES_PROPERTY, "many");
    assertThatThrownBy(() -> ArchiveLimits.from(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid -Dsekisho.archive.maxEntries=many");
  }
}
