package dev.sekisho.scanner.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.list.Analyzers;
import dev.sekisho.scanner.artifact.ArtifactInspector;
import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.testing.OciLayoutBuilder;
import dev.sekisho.scanner.testing.OciLayoutBuilder.Blob;
import dev.sekisho.scanner.testing.OciLayoutBuilder.LayerBlob;
import dev.sekisho.scanner.testing.TarBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret findings in files an OS package installed are dropped while the file is as installed,
 * whatever layer holds the file and whatever layer holds the package database; a changed package
 * file is reported as changed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InstalledFilesTest {
  @TempDir Path temp;

  private static final String TEST_KEY =
      SecretScannerTest.generate(
          "-----BEGIN RSA PRIVATE KEY-----\nMIIE@b64_60@\n@b64_64@\n@b64_64@\n"
              + "-----END RSA PRIVATE KEY-----\n",
          7);
  private static final String CORELIST =
      "package Module::CoreList;\n"
          + "# a package's file holding a key-shaped fixture\n"
          + TEST_KEY;
  private static final String CONF_AS_INSTALLED = "[db]\nhost = localhost\n";
  private static final String CONF_CHANGED =
      SecretScannerTest.generate("[db]\nhost = db\npassword = @alnum_24@\n", 8);
  private static final String APK_KEY = SecretScannerTest.generate(TEST_KEY, 9);
  private static final String ENV = SecretScannerTest.generate("DB_PASSWORD=@alnum_24@\n", 10);

  private static String hex(String algorithm, String content) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance(algorithm).digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Layer 1: a Debian base with the perl file and the configuration as installed. Layer 2: the
   * application changes the configuration and adds a .env; it also adds an apk database naming a
   * file of the lower layer.
   */
  private Path image() throws Exception {
    OciLayoutBuilder oci = new OciLayoutBuilder(temp.resolve("layout"));
    String perlMd5sums = hex("MD5", CORELIST) + "  usr/share/perl/5.36.0/Module/CoreList.pm\n";
    String confMd5sums = hex("MD5", CONF_AS_INSTALLED) + "  etc/app/app.conf\n";
    LayerBlob base =
        oci.layer(
            new TarBuilder()
                .file("var/lib/dpkg/info/perl-modules-5.36.md5sums", perlMd5sums)
                .file("var/lib/dpkg/info/app-conf:amd64.md5sums", confMd5sums)
                .file("usr/share/perl/5.36.0/Module/CoreList.pm", CORELIST)
                .file("etc/app/app.conf", CONF_AS_INSTALLED)
                .file("usr/share/ca-test/key.pem", APK_KEY)
                .tar(),
            "ADD rootfs /");
    byte[] sha1 =
        MessageDigest.getInstance("SHA-1").digest(APK_KEY.getBytes(StandardCharsets.UTF_8));
    String apk =
        "C:Q1x\nP:ca-test\nV:1-r0\nF:usr/share/ca-test\nR:key.pem\na:0:0:644\nZ:Q1"
            + Base64.getEncoder().encodeToString(sha1)
            + "\n\n";
    LayerBlob app =
        oci.layer(
            new TarBuilder()
                .file("etc/app/app.conf", CONF_CHANGED)
                .file("srv/app/.env", ENV)
                .file("lib/apk/db/installed", apk)
                .tar(),
            "COPY . /");
    Blob image = oci.image(OciLayoutBuilder.object(), List.of(base, app), null, "amd64");
    oci.tag(image, "1");
    return oci.finish();
  }

  private Inventory scan(Path layout, boolean dependencies) throws Exception {
    return new ArtifactInspector()
        .inspect(
            Target.parse("oci:" + layout + ":1"),
            InspectOptions.defaults()
                .withCacheDir(null)
                .withAnalyzers(Analyzers.all(dependencies)));
  }

  private static List<String> found(Inventory inv) {
    return inv.secrets().stream()
        .map(s -> s.ruleId() + " " + s.location().path())
        .sorted()
        .toList();
  }

  @Test
  void packageFilesAsInstalledAreNotTheImagesSecrets() throws Exception {
    Inventory inv = scan(image(), false);

    assertThat(found(inv))
        .containsExactly(
            "generic-secret-assignment /etc/app/app.conf",
            "generic-secret-assignment /srv/app/.env");
    SecretFinding changed =
        inv.secrets().stream()
            .filter(s -> s.location().path().equals("/etc/app/app.conf"))
            .findFirst()
            .orElseThrow();
    assertThat(changed.title())
        .isEqualTo(
            "Secret assigned in a file (in a file of package app-conf, changed after installation)");
    // checksums of files holding secrets are not handed on
    assertThat(inv.secrets()).allSatisfy(s -> assertThat(s.fileDigests()).isEmpty());
  }

  @Test
  void secretsInDependenciesBringsPackageFilesBack() throws Exception {
    Inventory inv = scan(image(), true);

    assertThat(found(inv))
        .containsExactly(
            "generic-secret-assignment /etc/app/app.conf",
            "generic-secret-assignment /srv/app/.env",
            "private-key /usr/share/ca-test/key.pem",
            "private-key /usr/share/perl/5.36.0/Module/CoreList.pm");
    assertThat(inv.secrets()).allSatisfy(s -> assertThat(s.title()).doesNotContain("changed"));
  }
}
