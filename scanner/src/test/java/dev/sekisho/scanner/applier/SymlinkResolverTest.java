package dev.sekisho.scanner.applier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.applier.SymlinkResolver.Kind;
import dev.sekisho.scanner.applier.SymlinkResolver.Resolution;
import dev.sekisho.scanner.layer.LayerResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SymlinkResolverTest {

  /** A layer from "path" (file), "path/" (directory), "path -> target", ".wh.path", "opq path". */
  private static LayerResult layer(String digest, String... entries) {
    List<String> files = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    List<String> whiteouts = new ArrayList<>();
    List<String> opaque = new ArrayList<>();
    Map<String, String> links = new TreeMap<>();
    for (String e : entries) {
      if (e.contains(" -> ")) {
        String[] p = e.split(" -> ");
        links.put(p[0], p[1]);
        files.add(p[0]);
      } else if (e.startsWith(".wh.")) {
        whiteouts.add(e.substring(4));
      } else if (e.startsWith("opq ")) {
        opaque.add(e.substring(4));
      } else if (e.endsWith("/")) {
        dirs.add(e.substring(0, e.length() - 1));
      } else {
        files.add(e);
      }
    }
    return new LayerResult(
        digest,
        Map.of(),
        whiteouts.stream().sorted().toList(),
        opaque.stream().sorted().toList(),
        files.stream().sorted().toList(),
        dirs.stream().sorted().toList(),
        null,
        false,
        links);
  }

  private static Resolution resolve(String path, LayerResult... layers) {
    return new SymlinkResolver(List.of(layers)).resolve(path);
  }

  @Test
  void aDirectoryLinkInAnUpperLayerLeadsToAFileOfALowerLayer() {
    Resolution r =
        resolve(
            "lib/apk/db/installed",
            layer("sha256:base", "usr/lib/apk/db/installed"),
            layer("sha256:link", "lib/apk -> ../usr/lib/apk"));

    assertThat(r.resolved()).isEqualTo("usr/lib/apk/db/installed");
    assertThat(r.node().kind()).isEqualTo(Kind.FILE);
    assertThat(r.node().layer()).isZero();
    assertThat(r.throughLink()).isTrue();
  }

  @Test
  void absoluteTargetsAndDotDotStayInsideTheImage() {
    LayerResult base = layer("sha256:base", "usr/share/db/status", "etc/passwd");
    assertThat(
            resolve("var/lib/dpkg/status", base, layer("sha256:l", "var/lib/dpkg -> /usr/share/db"))
                .resolved())
        .isEqualTo("usr/share/db/status");
    // ".." above the root stays at the root, as in a chroot
    assertThat(
            resolve(
                    "etc/os-release",
                    base,
                    layer("sha256:l", "etc/os-release -> ../../../../etc/passwd"))
                .resolved())
        .isEqualTo("etc/passwd");
  }

  @Test
  void chainsOfLinksAcrossLayersAreFollowed() {
    Resolution r =
        resolve(
            "var/lib/rpm/rpmdb.sqlite",
            layer("sha256:0", "usr/lib/sysimage/rpm/rpmdb.sqlite"),
            layer("sha256:1", "var/lib/rpm -> ../../usr/lib/sysimage/rpm"),
            layer("sha256:2", "usr/lib/sysimage -> /usr/lib/sysimage-real"),
            layer("sha256:3", "usr/lib/sysimage-real/rpm/rpmdb.sqlite"));

    assertThat(r.resolved()).isEqualTo("usr/lib/sysimage-real/rpm/rpmdb.sqlite");
    assertThat(r.node().layer()).isEqualTo(3);
    assertThat(r.linksFollowed()).isEqualTo(2);
  }

  @Test
  void aLoopEndsAfterFortyLinksWithAProblem() {
    Resolution r =
        resolve(
            "var/lib/dpkg/status",
            layer("sha256:0", "var/lib/dpkg -> dpkg2", "var/lib/dpkg2 -> dpkg"));

    assertThat(r.resolved()).isNull();
    assertThat(r.problem()).contains("symbolic links loop through /var/lib/dpkg").contains("40");
  }

  @Test
  void aDanglingLinkIsNamedButAMissingFileBehindALiveLinkIsNot() {
    LayerResult merged = layer("sha256:0", "lib -> usr/lib", "usr/lib/x86_64/libc.so");
    Resolution missing = resolve("lib/apk/db/installed", merged);
    assertThat(missing.resolved()).isNull();
    assertThat(missing.problem()).isNull();

    Resolution dangling =
        resolve("lib/apk/db/installed", layer("sha256:0", "lib/apk -> /usr/lib/apk"));
    assertThat(dangling.problem())
        .isEqualTo(
            "/lib/apk is a symbolic link to /usr/lib/apk (written in layer sha256:0), which does"
                + " not exist in the image");
  }

  @Test
  void upperLayersHideWhatTheLinkLeadsTo() {
    LayerResult base = layer("sha256:0", "usr/lib/apk/db/installed", "lib/apk -> ../usr/lib/apk");
    assertThat(
            resolve("lib/apk/db/installed", base, layer("sha256:1", ".wh.usr/lib/apk"))
                .node()
                .kind())
        .isEqualTo(Kind.MISSING);
    assertThat(
            resolve("lib/apk/db/installed", base, layer("sha256:1", "opq usr/lib")).node().kind())
        .isEqualTo(Kind.MISSING);
    // an upper layer that makes lib/apk a real directory replaces the link
    Resolution replaced =
        resolve(
            "lib/apk/db/installed", base, layer("sha256:1", "lib/apk/", "lib/apk/db/installed"));
    assertThat(replaced.resolved()).isEqualTo("lib/apk/db/installed");
    assertThat(replaced.throughLink()).isFalse();
    // a file over a directory hides what was below it
    assertThat(
            resolve("usr/lib/apk/db/installed", base, layer("sha256:1", "usr/lib")).node().kind())
        .isEqualTo(Kind.MISSING);
  }

  @Test
  void aFileIsNoDirectory() {
    assertThat(resolve("etc/os-release/x", layer("sha256:0", "etc/os-release")).node().kind())
        .isEqualTo(Kind.MISSING);
  }
}
