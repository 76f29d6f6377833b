package dev.sekisho.scanner.analyzer.ruby;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.ParseProblems;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installed RubyGems from the specifications RubyGems writes on install ({@code
 * specifications/NAME-VERSION.gemspec}, default gems under {@code specifications/default/}). These
 * are generated Ruby ({@code Gem::Specification#to_ruby}) in a fixed shape, so the name, version
 * and licenses assignments are read with patterns rather than by evaluating Ruby.
 */
public final class GemspecAnalyzer implements Analyzer {
  /** Bytes read of one gemspec: generated ones are a few KiB. */
  static final int MAX_SIZE = 1024 * 1024;

  private static final Pattern PATH =
      Pattern.compile("^(?:.*/)?specifications/(?:default/)?[^/]+\\.gemspec$");
  private static final Pattern NAME =
      Pattern.compile("^\\s*\\w+\\.name\\s*=\\s*[\"']([^\"']+)[\"']", Pattern.MULTILINE);
  private static final Pattern VERSION =
      Pattern.compile("^\\s*\\w+\\.version\\s*=\\s*[\"']([^\"']+)[\"']", Pattern.MULTILINE);
  private static final Pattern LICENSES =
      Pattern.compile("^\\s*\\w+\\.licenses?\\s*=\\s*\\[?([^\\n\\]]*)\\]?", Pattern.MULTILINE);
  private static final Pattern QUOTED = Pattern.compile("[\"']([^\"']+)[\"']");

  @Override
  public String name() {
    return "gemspec";
  }

  @Override
  public int version() {
    // 2: gemspecs over 1 MiB are read up to 1 MiB with a warning instead of left out without one
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    // the string tests first: the pattern is slow to fail on the other files of a layer
    return path.endsWith(".gemspec")
        && path.contains("specifications/")
        && PATH.matcher(path).matches();
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    ParseProblems problems = new ParseProblems(input);
    InputStream in = problems.limitedStream(MAX_SIZE, "the limit for one gemspec");
    String text = new String(in.readNBytes(MAX_SIZE), StandardCharsets.UTF_8);
    Matcher name = NAME.matcher(text);
    Matcher version = VERSION.matcher(text);
    if (!name.find() || !version.find()) {
      problems.add("no name or version assignment");
      return AnalysisResult.ofPackages(null, problems.warnings());
    }
    List<String> licenses = new ArrayList<>();
    Matcher lic = LICENSES.matcher(text);
    if (lic.find()) {
      Matcher q = QUOTED.matcher(lic.group(1));
      while (q.find()) {
        licenses.add(q.group(1));
      }
    }
    return AnalysisResult.ofPackages(
        List.of(
            new Package(
                PackageType.GEM,
                name.group(1),
                version.group(1),
                null,
                null,
                licenses,
                PackageUrls.of(PackageType.GEM, name.group(1), version.group(1)),
                input.location(),
                null)),
        problems.warnings());
  }
}
