package dev.sekisho.scanner.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.image.source.ImageSource;
import dev.sekisho.scanner.image.source.ImageSources;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.testing.OciLayoutBuilder;
import dev.sekisho.scanner.testing.OciLayoutBuilder.LayerBlob;
import dev.sekisho.scanner.testing.TarBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * OS package databases and release files the final image reaches only through a symbolic link are
 * read under the path their analyzer expects, whichever layers hold the link and the file, with and
 * without the layer cache; links that lead nowhere, and databases an upper layer deleted, are
 * reported instead of passing silently.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SystemFilesBehindLinksTest {
  private static final String ALPINE =
      "ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n";
  private static final String APK_DB =
      "P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n\nP:zlib\nV:1.3.1-r1\nA:x86_64\no:zlib\n\n";
  private static final String DEBIAN =
      "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian 12\"\n";
  private static final String DPKG_STATUS =
      "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n\n"
          + "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
          + "Version: 2.36-9+deb12u4\nSource: glibc\n\n";

  @TempDir Path temp;

  private record Image(Target target, List<LayerBlob> layers) {}

  private Image image(String name, TarBuilder... layers) {
    OciLayoutBuilder oci = new OciLayoutBuilder(temp.resolve(name));
    List<LayerBlob> blobs = new java.util.ArrayList<>();
    for (int i = 0; i < layers.length; i++) {
      blobs.add(oci.layer(layers[i].tar(), "RUN step " + i));
    }
    oci.tag(oci.image(OciLayoutBuilder.object(), blobs, null, "amd64"), "t");
    return new Image(Target.parse("oci:" + oci.finish() + ":t"), blobs);
  }

  private Inventory inspect(Image image, Path cache) throws IOException {
    return new ArtifactInspector()
        .inspect(image.target(), InspectOptions.defaults().withCacheDir(cache));
  }

  private static List<String> packages(Inventory inv) {
    return inv.packages().stream()
        .map(p -> p.name() + "@" + p.version() + " " + p.location().path())
        .sorted()
        .toList();
  }

  private static List<String> warnings(Inventory inv) {
    return inv.warnings().stream().map(ScanWarning::message).toList();
  }

  @Test
  void apkDatabaseMovedBehindALinkInAnotherLayerIsReadWithAndWithoutTheCache() throws IOException {
    Image wolfiLike =
        image(
            "apk",
            new TarBuilder()
                .file("etc/os-release", ALPINE)
                .file("usr/lib/apk/db/installed", APK_DB),
            new TarBuilder().dir("lib").symlink("lib/apk", "../usr/lib/apk"));
    Path cache = temp.resolve("cache");

    List<Integer> layerReads = new java.util.ArrayList<>();
    for (Path c : new Path[] {null, cache, cache}) { // cold, filling the cache, from the cache
      Inventory inv;
      int[] reads = {0};
      try (ImageSource opened = ImageSources.open(wolfiLike.target(), null)) {
        ImageSource counting =
            new ImageSource() {
              @Override
              public ResolvedImage resolve(Platform platform) throws IOException {
                return opened.resolve(platform);
              }

              @Override
              public InputStream openLayer(ResolvedImage image, int index) throws IOException {
                reads[0]++;
                return opened.openLayer(image, index);
              }

              @Override
              public String describe() {
                return opened.describe();
              }
            };
        inv =
            new ArtifactInspector()
                .inspect(counting, "wolfi-like", InspectOptions.defaults().withCacheDir(c));
      }
      layerReads.add(reads[0]);
      assertThat(packages(inv))
          .as("cache %s", c)
          .containsExactly(
              "musl@1.2.5-r0 /lib/apk/db/installed", "zlib@1.3.1-r1 /lib/apk/db/installed");
      assertThat(inv.packages().get(0).location().layerDigest())
          .isEqualTo(wolfiLike.layers().get(0).blob().digest());
      assertThat(warnings(inv)).isEmpty();
    }
    // two layers and the base layer once more for the file behind the link; nothing when cached
    assertThat(layerReads).containsExactly(3, 3, 0);
  }

  @Test
  void aLinkedDatabaseStoredTwiceIsReadFromItsLastCopyAsExtractionLeavesIt() throws IOException {
    // a hostile layer: a harmless first copy of the status file, the real one after it
    Image image =
        image(
            "twice",
            new TarBuilder()
                .file("etc/os-release", DEBIAN)
                .file(
                    "opt/d/status",
                    "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n\n")
                .file("opt/d/status", DPKG_STATUS)
                .symlink("var/lib/dpkg", "../../opt/d"));

    Inventory inv = inspect(image, null);

    assertThat(packages(inv))
        .containsExactly(
            "bash@5.2.15-2+b2 /var/lib/dpkg/status", "libc6@2.36-9+deb12u4 /var/lib/dpkg/status");
  }

  @Test
  void dpkgDirectoryLinkedAbsolutelyAndOsReleaseLinkedToAFileNoAnalyzerReads() throws IOException {
    Image image =
        image(
            "dpkg",
            new TarBuilder()
                .file("usr/share/base/os-release.txt", DEBIAN)
                .file("usr/share/dpkg-db/status", DPKG_STATUS),
            new TarBuilder()
                .symlink("var/lib/dpkg", "/usr/share/dpkg-db")
                .symlink("etc/os-release", "../usr/share/base/os-release.txt"));

    Inventory inv = inspect(image, null);

    assertThat(inv.os()).isNotNull();
    assertThat(inv.os().family()).isEqualTo("debian");
    assertThat(packages(inv))
        .containsExactly(
            "bash@5.2.15-2+b2 /var/lib/dpkg/status", "libc6@2.36-9+deb12u4 /var/lib/dpkg/status");
    assertThat(warnings(inv)).isEmpty();
  }

  @Test
  void aDanglingOrLoopingLinkIsAWarning() throws IOException {
    Image dangling =
        image(
            "dangling",
            new TarBuilder().file("etc/os-release", ALPINE),
            new TarBuilder().symlink("lib/apk", "/usr/lib/apk"));
    Inventory inv = inspect(dangling, null);
    assertThat(warnings(inv))
        .containsExactly(
            "/lib/apk is a symbolic link to /usr/lib/apk (written in layer "
                + dangling.layers().get(1).blob().digest()
                + "), which does not exist in the image: the package and release files looked"
                + " for through it are not read");

    Image loop =
        image(
            "loop",
            new TarBuilder()
                .file("etc/os-release", DEBIAN)
                .symlink("var/lib/dpkg", "dpkg.real")
                .symlink("var/lib/dpkg.real", "dpkg"));
    assertThat(warnings(inspect(loop, null)))
        .singleElement()
        .asString()
        .contains("symbolic links loop through /var/lib/dpkg");
  }

  @Test
  void aDeletedPackageDatabaseIsAWarningNamingTheLayerAndCount() throws IOException {
    Image image =
        image(
            "deleted",
            new TarBuilder()
                .file("etc/os-release", DEBIAN)
                .file("var/lib/dpkg/status", DPKG_STATUS),
            new TarBuilder().file("app/run.sh", "true\n"),
            new TarBuilder().whiteout("var/lib/dpkg/status").whiteout("etc/os-release"));
    String deleter = image.layers().get(2).blob().digest();

    Inventory inv = inspect(image, null);

    assertThat(inv.packages()).isEmpty();
    assertThat(warnings(inv))
        .containsExactly(
            "operating-system release file etc/os-release (debian 12) was deleted or emptied in"
                + " layer "
                + deleter
                + "; the image's operating system is unknown, so its OS packages are not matched",
            "OS package database var/lib/dpkg/status was deleted or emptied in layer "
                + deleter
                + "; the 2 packages it listed are not scanned");
    assertThat(inv.warnings().get(1).location().layerDigest()).isEqualTo(deleter);
  }

  @Test
  void aDatabaseEmptiedOrHiddenByAnOpaqueDirectoryIsAWarningButARewrittenOneIsNot()
      throws IOException {
    TarBuilder base =
        new TarBuilder().file("etc/os-release", DEBIAN).file("var/lib/dpkg/status", DPKG_STATUS);
    assertThat(
            warnings(
                inspect(
                    image("emptied", base, new TarBuilder().file("var/lib/dpkg/status", "")),
                    null)))
        .singleElement()
        .asString()
        .contains("the 2 packages it listed are not scanned");

    TarBuilder base2 =
        new TarBuilder().file("etc/os-release", DEBIAN).file("var/lib/dpkg/status", DPKG_STATUS);
    assertThat(
            warnings(
                inspect(image("opaque", base2, new TarBuilder().opaque("var/lib/dpkg")), null)))
        .singleElement()
        .asString()
        .contains("var/lib/dpkg/status was deleted or emptied");

    // apt-get in a later layer rewrites the database: nothing is lost, no warning
    TarBuilder base3 =
        new TarBuilder().file("etc/os-release", DEBIAN).file("var/lib/dpkg/status", DPKG_STATUS);
    Inventory upgraded =
        inspect(
            image(
                "rewritten",
                base3,
                new TarBuilder()
                    .file(
                        "var/lib/dpkg/status",
                        DPKG_STATUS
                            + "Package: curl\nStatus: install ok installed\n"
                            + "Architecture: amd64\nVersion: 7.88.1-10\n\n")),
            null);
    assertThat(warnings(upgraded)).isEmpty();
    assertThat(upgraded.packages()).hasSize(3);
  }
}
