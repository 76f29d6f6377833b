package dev.sekisho.scanner.applier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.applier.LayerMerger.MergedFile;
import dev.sekisho.scanner.layer.LayerResult;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerMergerTest {

  /** A synthetic layer: analysed files carry one package named after the layer. */
  private static final class Layer {
    final String digest;
    final Map<String, AnalysisResult> files = new LinkedHashMap<>();
    final List<String> whiteouts = new ArrayList<>();
    final List<String> opaque = new ArrayList<>();
    final List<String> writtenFiles = new ArrayList<>();
    final List<String> writtenDirs = new ArrayList<>();

    Layer(String digest) {
      this.digest = digest;
    }

    Layer analysed(String path) {
      writtenFiles.add(path);
      files.put(
          path,
          AnalysisResult.ofPackages(
              List.of(
                  new Package(
                      PackageType.NPM,
                      path,
                      digest,
                      null,
                      null,
                      null,
                      null,
                      new Location(digest, "/" + path),
                      null)),
              null));
      return this;
    }

    /** A file no analyzer wanted. */
    Layer written(String path) {
      writtenFiles.add(path);
      return this;
    }

    Layer dir(String path) {
      writtenDirs.add(path);
      return this;
    }

    Layer whiteout(String path) {
      whiteouts.add(path);
      return this;
    }

    Layer opaque(String dir) {
      opaque.add(dir);
      return this;
    }

    LayerResult result() {
      return new LayerResult(digest, files, whiteouts, opaque, writtenFiles, writtenDirs, null);
    }
  }

  private static Map<String, String> merge(Layer... layers) {
    Map<String, String> out = new LinkedHashMap<>();
    for (MergedFile f :
        LayerMerger.merge(java.util.Arrays.stream(layers).map(Layer::result).toList())) {
      assertThat(f.result().packages()).hasSize(1);
      assertThat(f.layerDigest()).isEqualTo(f.result().packages().get(0).version());
      out.put(f.path(), f.layerDigest());
    }
    return out;
  }

  /** What mergeAll says was removed: path → the layer that removed it. */
  private static Map<String, String> removed(Layer... layers) {
    Map<String, String> out = new LinkedHashMap<>();
    for (LayerMerger.Removed r :
        LayerMerger.mergeAll(java.util.Arrays.stream(layers).map(Layer::result).toList())
            .removed()) {
      out.put(r.file().path() + "@" + r.file().layerDigest(), r.removedBy());
    }
    return out;
  }

  @Test
  void removedFilesNameTheLayerThatRemovedThemUnlessAnAnalysedFileCameBack() {
    assertThat(
            removed(
                new Layer("l1").analysed("var/lib/dpkg/status").analysed("a/x").analysed("o/y"),
                new Layer("l2").whiteout("var/lib/dpkg/status").written("a/x").opaque("o"),
                new Layer("l3").analysed("o/y")))
        .containsExactly(Map.entry("a/x@l1", "l2"), Map.entry("var/lib/dpkg/status@l1", "l2"));
    // hidden below a file written over its directory, then deleted again higher up
    assertThat(
            removed(
                new Layer("l1").analysed("d/f"),
                new Layer("l2").written("d"),
                new Layer("l3").analysed("d/f"),
                new Layer("l4").whiteout("d")))
        .containsExactly(Map.entry("d/f@l3", "l4"));
  }

  @Test
  void filesOfAllLayersSurviveWhenUntouched() {
    assertThat(merge(new Layer("l1").analysed("a/x.pkgs"), new Layer("l2").analysed("b/y.pkgs")))
        .containsExactly(Map.entry("a/x.pkgs", "l1"), Map.entry("b/y.pkgs", "l2"));
  }

  @Test
  void fileReplacedByUpperLayer() {
    assertThat(merge(new Layer("l1").analysed("a/x.pkgs"), new Layer("l2").analysed("a/x.pkgs")))
        .containsExactly(Map.entry("a/x.pkgs", "l2"));
  }

  @Test
  void fileReplacedWithContentNoAnalyzerWantedDropsLowerResults() {
    assertThat(
            merge(new Layer("l1").analysed("app/lib.jar"), new Layer("l2").written("app/lib.jar")))
        .isEmpty();
  }

  @Test
  void fileDeletedByWhiteout() {
    assertThat(
            merge(
                new Layer("l1").analysed("a/x.pkgs").analysed("a/keep.pkgs"),
                new Layer("l2").whiteout("a/x.pkgs")))
        .containsExactly(Map.entry("a/keep.pkgs", "l1"));
  }

  @Test
  void fileReAddedAfterDeletion() {
    assertThat(
            merge(
                new Layer("l1").analysed("a/x.pkgs"),
                new Layer("l2").whiteout("a/x.pkgs"),
                new Layer("l3").analysed("a/x.pkgs")))
        .containsExactly(Map.entry("a/x.pkgs", "l3"));
  }

  @Test
  void whiteoutOfDirectoryRemovesItsSubtreeOnly() {
    assertThat(
            merge(
                new Layer("l1")
                    .analysed("opt/app/a.pkgs")
                    .analysed("opt/app/sub/b.pkgs")
                    .analysed("opt/app2/c.pkgs")
                    .analysed("opt/app.pkgs"),
                new Layer("l2").whiteout("opt/app")))
        .containsOnlyKeys("opt/app2/c.pkgs", "opt/app.pkgs");
  }

  @Test
  void opaqueDirectoryHidesLowerContentButKeepsItsOwn() {
    assertThat(
            merge(
                new Layer("l1")
                    .analysed("usr/lib/x/a.pkgs")
                    .analysed("usr/lib/x/deep/b.pkgs")
                    .analysed("usr/lib/y.pkgs"),
                new Layer("l2").opaque("usr/lib/x").analysed("usr/lib/x/c.pkgs")))
        .containsExactly(Map.entry("usr/lib/x/c.pkgs", "l2"), Map.entry("usr/lib/y.pkgs", "l1"));
  }

  @Test
  void opaqueDirectoryDoesNotHideUpperLayers() {
    assertThat(
            merge(
                new Layer("l1").analysed("d/a.pkgs"),
                new Layer("l2").opaque("d"),
                new Layer("l3").analysed("d/b.pkgs")))
        .containsExactly(Map.entry("d/b.pkgs", "l3"));
  }

  @Test
  void fileOverDirectoryHidesTheDirectory() {
    assertThat(
            merge(new Layer("l1").analysed("srv/site/a.pkgs"), new Layer("l2").written("srv/site")))
        .isEmpty();
  }

  @Test
  void directoryOverFileHidesTheFileButDirectoriesMerge() {
    assertThat(
            merge(
                new Layer("l1").analysed("data").analysed("etc/a.pkgs"),
                new Layer("l2").dir("data").dir("etc").analysed("etc/b.pkgs")))
        .containsExactly(Map.entry("etc/a.pkgs", "l1"), Map.entry("etc/b.pkgs", "l2"));
  }

  @Test
  void opaqueRootHidesEverythingBelow() {
    assertThat(merge(new Layer("l1").analysed("a.pkgs"), new Layer("l2").opaque(""))).isEmpty();
  }

  @Test
  void siblingWithCommonPrefixIsNotInTheSubtree() {
    // "a/b-c" sorts between "a/b" and "a/b/": it must survive a whiteout of "a/b".
    assertThat(
            merge(
                new Layer("l1").analysed("a/b-c.pkgs").analysed("a/b/x.pkgs").analysed("a/b0.pkgs"),
                new Layer("l2").whiteout("a/b")))
        .containsOnlyKeys("a/b-c.pkgs", "a/b0.pkgs");
  }
}
