package dev.sekisho.scanner.analyzer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory of fixture files standing for an image file system: runs analyzers over every file
 * they want, the way the core walks a layer.
 */
public final class FixtureTree {
  private FixtureTree() {}

  /** The directory of a test resource. */
  public static Path resourceDir(String resource) {
    try {
      return Path.of(FixtureTree.class.getResource(resource).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(resource, e);
    }
  }

  /** Results of every analyzer for every file under {@code root} it wants. */
  public static List<AnalysisResult> analyze(Path root, Analyzer... analyzers) {
    List<AnalysisResult> results = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String imagePath = root.relativize(file).toString().replace('\\', '/');
        FixtureInput input = FixtureInput.of(imagePath, file);
        if (Files.isExecutable(file)) {
          input = input.withMode(0755);
        }
        for (Analyzer a : analyzers) {
          if (a.required(imagePath, input.info())) {
            results.add(a.analyze(input));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return results;
  }
}
