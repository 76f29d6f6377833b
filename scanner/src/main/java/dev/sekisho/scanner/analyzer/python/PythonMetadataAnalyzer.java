package dev.sekisho.scanner.analyzer.python;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.LineReader;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.ParseProblems;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Installed Python distributions from their core metadata: {@code *.dist-info/METADATA} (wheels,
 * pip) and {@code *.egg-info/PKG-INFO} or a {@code *.egg-info} file (setuptools, Debian's python3-*
 * packages). Names are kept as declared; PyPI matching normalises them (PEP 503).
 */
public final class PythonMetadataAnalyzer implements Analyzer {
  /** Classifier licenses kept; more are not. */
  private static final int MAX_CLASSIFIER_LICENSES = 64;

  private static final String CLASSIFIER_LICENSE = "License :: ";

  @Override
  public String name() {
    return "python-metadata";
  }

  @Override
  public int version() {
    // 2: files over 4 MiB are read (only their headers) instead of left out without a warning;
    // lines over the analyzers' line limit are skipped with a warning
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    // any size: only the headers are read, and the description after them never is
    return path.endsWith(".dist-info/METADATA")
        || path.endsWith(".egg-info/PKG-INFO")
        || path.endsWith(".egg-info");
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    ParseProblems problems = new ParseProblems(input);
    LineReader reader = new LineReader(problems.limitedStream(), problems);
    String name = null;
    String version = null;
    String licenseExpression = null;
    String license = null;
    boolean licenseContinued = false;
    Set<String> classifierLicenses = new LinkedHashSet<>();
    String line;
    String field = null;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        break; // the description body follows the headers
      }
      if (Character.isWhitespace(line.charAt(0))) {
        if ("License".equals(field)) {
          licenseContinued = true;
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        field = null;
        continue;
      }
      field = line.substring(0, colon);
      String value = line.substring(colon + 1).strip();
      switch (field) {
        case "Name" -> name = value;
        case "Version" -> version = value;
        case "License-Expression" -> licenseExpression = value;
        case "License" -> license = value;
        case "Classifier" -> {
          if (value.startsWith(CLASSIFIER_LICENSE)) {
            String[] parts = value.split("\\s*::\\s*");
            String last = parts[parts.length - 1];
            if (!last.equals("OSI Approved")
                && classifierLicenses.size() < MAX_CLASSIFIER_LICENSES) {
              classifierLicenses.add(last);
            }
          }
        }
        default -> {}
      }
    }
    if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
      problems.add("no Name or Version in the metadata headers");
      return AnalysisResult.ofPackages(null, problems.warnings());
    }
    List<String> licenses = new ArrayList<>();
    if (licenseExpression != null && !licenseExpression.isEmpty()) {
      licenses.add(licenseExpression);
    } else if (license != null
        && !licenseContinued
        && !license.isEmpty()
        && !license.equalsIgnoreCase("UNKNOWN")
        && license.length() <= 100) {
      licenses.add(license);
    } else {
      licenses.addAll(classifierLicenses);
    }
    return AnalysisResult.ofPackages(
        List.of(
            new Package(
                PackageType.PYPI,
                name,
                version,
                null,
                null,
                licenses,
                PackageUrls.of(PackageType.PYPI, name, version),
                input.location(),
                null)),
        problems.warnings());
  }
}
