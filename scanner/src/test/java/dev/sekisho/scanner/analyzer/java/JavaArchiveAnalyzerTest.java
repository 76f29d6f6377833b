package dev.sekisho.scanner.analyzer.java;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.github.packageurl.PackageURL;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Runs on real jars from the test class path (built and published by their projects' Maven and
 * Gradle builds); fat, shaded and corrupt archives are assembled from them at test time.
 */
class JavaArchiveAnalyzerTest {
  private final JavaArchiveAnalyzer analyzer = new JavaArchiveAnalyzer();

  /** packageurl-java, built with Maven: pom.properties. */
  private static final Path PURL_JAR = jarOf(PackageURL.class);

  /** jackson-core, built with Maven: pom.properties. */
  private static final Path JACKSON_JAR = jarOf(JsonFactory.class);

  /** junit-jupiter-api, built with Gradle: only MANIFEST.MF. */
  private static final Path JUNIT_JAR = jarOf(Test.class);

  @Test
  void pomPropertiesGiveMavenCoordinates() throws Exception {
    AnalysisResult result =
        FixtureInput.of("app/lib/" + PURL_JAR.getFileName(), PURL_JAR).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    Package p = result.packages().getFirst();
    assertThat(result.packages()).hasSize(1);
    assertThat(p.name()).isEqualTo("com.github.package-url:packageurl-java");
    assertThat(p.version()).isEqualTo(versionFromPath(PURL_JAR));
    assertThat(p.purl())
        .isEqualTo("pkg:maven/com.github.package-url/packageurl-java@" + p.version());
    assertThat(p.metadata())
        .isEqualTo(
            new PackageMetadata.Java(
                "com.github.package-url", "packageurl-java", "pom.properties", sha1(PURL_JAR)));
    assertThat(p.location().path()).isEqualTo("/app/lib/" + PURL_JAR.getFileName());
  }

  @Test
  void manifestIsTheFallbackWithoutPomProperties() throws IOException {
    AnalysisResult result = FixtureInput.of("app/lib/api.jar", JUNIT_JAR).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.name()).isEqualTo("junit-jupiter-api");
              assertThat(p.version()).isEqualTo(versionFromPath(JUNIT_JAR));
              assertThat(((PackageMetadata.Java) p.metadata()).evidence()).isEqualTo("MANIFEST.MF");
            });
  }

  /**
   * Without pom.properties, the version in the file name wins over the manifest's build string;
   * without one, the manifest's version counts, unquoted (cases met in bench/peers.sh).
   */
  @Test
  void fileNameVersionWinsOverManifestVersions() throws IOException {
    record Case(String path, String manifest, String name, String version) {}
    for (Case c :
        new Case[] {
          new Case(
              "opt/jars/kotlin-stdlib-1.8.21.jar",
              "Implementation-Title: kotlin-stdlib\nImplementation-Version: 1.8.21-release-380(1.8.21)\n",
              "kotlin-stdlib",
              "1.8.21"),
          new Case(
              "opt/jars/bsh-2.0b6.jar",
              "Implementation-Version: 2.0b6 2016-02-05 05:16:19\n",
              "bsh",
              "2.0b6"),
          new Case(
              "opt/jars/org.eclipse.osgi-3.23.100.jar",
              "Bundle-SymbolicName: org.eclipse.osgi; singleton:=true\n"
                  + "Bundle-Version: 3.23.100.v20250514-1759\n",
              "org.eclipse.osgi",
              "3.23.100"),
          new Case(
              "opt/jars/digester.jar",
              "Implementation-Title: commons-digester\nImplementation-Version: \"1.6\"\n",
              "commons-digester",
              "1.6"),
        }) {
      byte[] jar =
          zip(
              new Entry(
                  "META-INF/MANIFEST.MF",
                  ("Manifest-Version: 1.0\n" + c.manifest()).getBytes(StandardCharsets.UTF_8)),
              new Entry("a/A.class", new byte[] {(byte) 0xCA, (byte) 0xFE}));
      AnalysisResult result = FixtureInput.of(c.path(), jar).analyzeWith(analyzer);
      assertThat(result.packages())
          .as(c.path())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.name()).isEqualTo(c.name());
                assertThat(p.version()).isEqualTo(c.version());
                assertThat(((PackageMetadata.Java) p.metadata()).evidence())
                    .isEqualTo("MANIFEST.MF");
              });
    }
  }

  /**
   * Without pom.properties the manifest headers that can tell the group are kept for the matcher:
   * velocity-1.7.jar (built with Ant) names only its vendor, org.apache, while its Maven group is
   * org.apache.velocity; an OSGi bundle's symbolic name drops its attributes.
   */
  @Test
  void manifestRecordsTheHeadersThatCanTellTheGroup() throws IOException {
    byte[] velocity =
        zip(
            new Entry(
                "META-INF/MANIFEST.MF",
                ("Manifest-Version: 1.0\n"
                        + "Extension-Name: velocity\n"
                        + "Implementation-Title: org.apache.velocity\n"
                        + "Implementation-Vendor-Id: org.apache\n"
                        + "Implementation-Vendor: The Apache Software Foundation\n"
                        + "Implementation-Version: 1.7\n")
                    .getBytes(StandardCharsets.UTF_8)),
            new Entry("org/apache/velocity/Template.class", new byte[] {(byte) 0xCA}));
    Package v =
        FixtureInput.of("usr/share/maven/lib/velocity-1.7.jar", velocity)
            .analyzeWith(analyzer)
            .packages()
            .getFirst();
    assertThat(v.name()).isEqualTo("org.apache:velocity");
    assertThat(v.version()).isEqualTo("1.7");
    assertThat(v.metadata())
        .isEqualTo(
            new PackageMetadata.Java(
                "org.apache",
                "velocity",
                "MANIFEST.MF",
                sha1(velocity),
                null,
                null,
                "org.apache",
                null));

    byte[] sisu =
        zip(
            new Entry(
                "META-INF/MANIFEST.MF",
                ("Manifest-Version: 1.0\n"
                        + "Bundle-SymbolicName: org.eclipse.sisu.inject;singleton:=true\n"
                        + "Bundle-Version: 0.3.5\n"
                        + "Automatic-Module-Name: org.eclipse.sisu.inject\n"
                        + "Implementation-Vendor-Id: Eclipse Foundation\n")
                    .getBytes(StandardCharsets.UTF_8)));
    Package s =
        FixtureInput.of("usr/share/maven/lib/org.eclipse.sisu.inject-0.3.5.jar", sisu)
            .analyzeWith(analyzer)
            .packages()
            .getFirst();
    assertThat(s.name())
        .as("a vendor id that is no identifier is no group")
        .isEqualTo("org.eclipse.sisu.inject");
    assertThat(s.purl()).as("a Maven package URL needs a namespace").isNull();
    assertThat(s.metadata())
        .isEqualTo(
            new PackageMetadata.Java(
                null,
                "org.eclipse.sisu.inject",
                "MANIFEST.MF",
                sha1(sisu),
                "org.eclipse.sisu.inject",
                "org.eclipse.sisu.inject",
                null,
                null));
  }

  @Test
  void fileNameIsTheLastResort() throws IOException {
    byte[] bare = zip(new Entry("com/example/A.class", new byte[] {(byte) 0xCA, (byte) 0xFE}));
    AnalysisResult result =
        FixtureInput.of("opt/tool/libs/widget-core-2.4.1.Final.jar", bare).analyzeWith(analyzer);
    assertThat(result.packages())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.name()).isEqualTo("widget-core");
              assertThat(p.version()).isEqualTo("2.4.1.Final");
              assertThat(((PackageMetadata.Java) p.metadata()).evidence()).isEqualTo("file name");
            });
  }

  @Test
  void fatJarYieldsItsNestedLibrariesWithNestedLocations() throws IOException {
    byte[] fat =
        zip(
            new Entry("BOOT-INF/classes/app/Main.class", new byte[] {1, 2, 3}),
            new Entry("BOOT-INF/lib/" + PURL_JAR.getFileName(), Files.readAllBytes(PURL_JAR)),
            new Entry("BOOT-INF/lib/" + JUNIT_JAR.getFileName(), Files.readAllBytes(JUNIT_JAR)),
            new Entry(
                "BOOT-INF/lib/war-in-jar.war",
                zip(
                    new Entry(
                        "WEB-INF/lib/" + JACKSON_JAR.getFileName(),
                        Files.readAllBytes(JACKSON_JAR)))));
    AnalysisResult result = FixtureInput.of("app/app.jar", fat).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages())
        .extracting(p -> p.name() + "@" + p.location().path())
        .containsExactlyInAnyOrder(
            "com.github.package-url:packageurl-java@/app/app.jar!/BOOT-INF/lib/"
                + PURL_JAR.getFileName(),
            "junit-jupiter-api@/app/app.jar!/BOOT-INF/lib/" + JUNIT_JAR.getFileName(),
            "com.fasterxml.jackson.core:jackson-core@/app/app.jar!/BOOT-INF/lib/war-in-jar.war!/WEB-INF/lib/"
                + JACKSON_JAR.getFileName());
    Package nested =
        result.packages().stream()
            .filter(p -> p.name().endsWith("packageurl-java"))
            .findFirst()
            .orElseThrow();
    assertThat(((PackageMetadata.Java) nested.metadata()).sha1()).isEqualTo(sha1(PURL_JAR));
  }

  @Test
  void shadedJarYieldsOnePackagePerPomProperties() throws IOException {
    Set<String> seen = new HashSet<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream shaded = new ZipOutputStream(out)) {
      for (Path jar : new Path[] {PURL_JAR, JACKSON_JAR}) {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
          ZipEntry e;
          while ((e = in.getNextEntry()) != null) {
            if (!e.isDirectory() && seen.add(e.getName())) {
              shaded.putNextEntry(new ZipEntry(e.getName()));
              in.transferTo(shaded);
            }
          }
        }
      }
    }
    AnalysisResult result = FixtureInput.of("app/all.jar", out.toByteArray()).analyzeWith(analyzer);
    assertThat(result.packages())
        .extracting(Package::name)
        .containsExactlyInAnyOrder(
            "com.github.package-url:packageurl-java", "com.fasterxml.jackson.core:jackson-core");
  }

  @Test
  void corruptArchiveKeepsWhatWasReadAndWarns() throws IOException {
    byte[] fat =
        zip(
            new Entry("BOOT-INF/lib/" + PURL_JAR.getFileName(), Files.readAllBytes(PURL_JAR)),
            new Entry(
                "BOOT-INF/lib/" + JACKSON_JAR.getFileName(), Files.readAllBytes(JACKSON_JAR)));
    // garble the bytes of the second nested jar's first entry header onwards
    int second = indexOf(fat, ("BOOT-INF/lib/" + JACKSON_JAR.getFileName()).getBytes());
    byte[] corrupt = Arrays.copyOf(fat, fat.length);
    for (int i = second + 200; i < second + 4000; i++) {
      corrupt[i] = (byte) (i * 31);
    }
    AnalysisResult result = FixtureInput.of("srv/app.jar", corrupt).analyzeWith(analyzer);
    assertThat(result.packages())
        .extracting(Package::name)
        .contains("com.github.package-url:packageurl-java");
    assertThat(result.warnings())
        .isNotEmpty()
        .allSatisfy(
            w ->
                assertThat(w.message())
                    .startsWith("cannot parse srv/app.jar in layer " + FixtureInput.LAYER + ": "));
  }

  @Test
  void notAZipAtAllFallsBackToTheFileName() throws IOException {
    // ZipInputStream finds no local header in it: no entries, so only the name speaks
    AnalysisResult result =
        FixtureInput.of("srv/x-1.0.jar", "this is not a zip file".getBytes()).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages())
        .extracting(p -> p.name() + "@" + p.version())
        .containsExactly("x@1.0");
  }

  @Test
  void classesAreNeverInflated() throws IOException {
    // the class entry's deflate data is garbage: a reader that inflates every entry trips on it,
    // the central directory reader only inflates the metadata it needs
    byte[] jar = deflated(new Entry("com/example/Widget.class", randomBytes(4096)), POM);
    int data = indexOf(jar, "com/example/Widget.class".getBytes()) + 24;
    for (int i = data; i < data + 64; i++) {
      jar[i] = (byte) 0xff;
    }
    AnalysisResult result = FixtureInput.of("srv/widget.jar", jar).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages())
        .extracting(p -> p.name() + "@" + p.version())
        .containsExactly("com.example:widget@1.4.2");
    assertThat(((PackageMetadata.Java) result.packages().getFirst().metadata()).sha1())
        .isEqualTo(sha1(jar));
  }

  @Test
  void aDamagedEntryIsNamedInItsWarningAndTheOthersAreStillRead() throws IOException {
    Entry manifest =
        new Entry(
            "META-INF/MANIFEST.MF", "Implementation-Version: 9\n".getBytes(StandardCharsets.UTF_8));
    byte[] jar = deflated(manifest, POM);
    // the manifest's local header (the first bytes of the archive) loses its signature
    jar[0] = 'X';
    AnalysisResult result = FixtureInput.of("srv/widget.jar", jar).analyzeWith(analyzer);
    assertThat(result.packages())
        .extracting(p -> p.name() + "@" + p.version())
        .containsExactly("com.example:widget@1.4.2");
    assertThat(result.warnings())
        .extracting(w -> w.message())
        .containsExactly(
            "cannot parse srv/widget.jar in layer "
                + FixtureInput.LAYER
                + ": META-INF/MANIFEST.MF: no local header where the central directory says");
  }

  @Test
  void truncatedArchiveIsStreamedForWhatPrecedesTheCut() throws IOException {
    // no central directory survives the cut, so the archive is read entry by entry from the start
    byte[] whole = deflated(POM, new Entry("data/filler.bin", randomBytes(64 * 1024)));
    byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
    AnalysisResult result = FixtureInput.of("srv/widget.jar", truncated).analyzeWith(analyzer);
    assertThat(result.packages())
        .extracting(p -> p.name() + "@" + p.version())
        .containsExactly("com.example:widget@1.4.2");
    assertThat(result.warnings())
        .singleElement()
        .satisfies(w -> assertThat(w.message()).startsWith("cannot parse srv/widget.jar in layer"));
  }

  @Test
  void zip64ArchiveIsStreamed() throws IOException {
    // more than 65,535 entries: the JDK writes a ZIP64 end record, which the directory reader
    // leaves to the stream
    Entry[] entries = new Entry[70_000];
    entries[0] = POM;
    for (int i = 1; i < entries.length; i++) {
      entries[i] = new Entry("c/" + i, new byte[0]);
    }
    AnalysisResult result = FixtureInput.of("srv/widget.jar", zip(entries)).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages())
        .extracting(p -> p.name() + "@" + p.version())
        .containsExactly("com.example:widget@1.4.2");
  }

  @Test
  void largeNestedArchivesAreStreamed() throws IOException {
    byte[] big =
        zip(
            new Entry(
                "data/filler.bin", randomBytes(JavaArchiveParser.MAX_NESTED_IN_MEMORY + 1024)),
            POM);
    byte[] small = zip(POM);
    byte[] fat =
        zip(new Entry("BOOT-INF/lib/big.jar", big), new Entry("BOOT-INF/lib/small.jar", small));
    AnalysisResult result = FixtureInput.of("app/app.jar", fat).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages())
        .extracting(p -> p.location().path() + " " + ((PackageMetadata.Java) p.metadata()).sha1())
        .containsExactly(
            "/app/app.jar!/BOOT-INF/lib/big.jar " + sha1(big),
            "/app/app.jar!/BOOT-INF/lib/small.jar " + sha1(small));
  }

  @Test
  void executableJarWithALaunchScriptBeforeTheZip() throws IOException {
    // Spring Boot's "fully executable" jars start with a shell script
    byte[] script = "#!/bin/sh\nexec java -jar \"$0\" \"$@\"\n".getBytes(StandardCharsets.UTF_8);
    byte[] zip =
        zip(new Entry("BOOT-INF/lib/" + PURL_JAR.getFileName(), Files.readAllBytes(PURL_JAR)));
    byte[] jar = new byte[script.length + zip.length];
    System.arraycopy(script, 0, jar, 0, script.length);
    System.arraycopy(zip, 0, jar, script.length, zip.length);
    AnalysisResult result = FixtureInput.of("app/app.jar", jar).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages())
        .extracting(Package::name)
        .containsExactly("com.github.package-url:packageurl-java");
  }

  @Test
  void wantsArchivesByName() {
    FileInfo f = new FileInfo(10, 0644);
    assertThat(analyzer.required("app/a.jar", f)).isTrue();
    assertThat(analyzer.required("app/A.WAR", f)).isTrue();
    assertThat(analyzer.required("app/a.ear", f)).isTrue();
    assertThat(analyzer.required("app/a.zip", f)).isFalse();
    assertThat(analyzer.required("app/a.jar", new FileInfo(0, 0644))).isFalse();
  }

  record Entry(String name, byte[] data) {}

  private static final Entry POM =
      new Entry(
          "META-INF/maven/com.example/widget/pom.properties",
          "groupId=com.example\nartifactId=widget\nversion=1.4.2\n"
              .getBytes(StandardCharsets.UTF_8));

  /** A zip with DEFLATED entries, as Maven and Gradle write jars. */
  static byte[] deflated(Entry... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Entry e : entries) {
        z.putNextEntry(new ZipEntry(e.name()));
        z.write(e.data());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new java.util.Random(n).nextBytes(b);
    return b;
  }

  /** A zip with STORED entries, as Spring Boot writes nested jars. */
  static byte[] zip(Entry... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Entry e : entries) {
        ZipEntry ze = new ZipEntry(e.name());
        ze.setMethod(ZipEntry.STORED);
        ze.setSize(e.data().length);
        CRC32 crc = new CRC32();
        crc.update(e.data());
        ze.setCrc(crc.getValue());
        z.putNextEntry(ze);
        z.write(e.data());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = hay.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      // the last occurrence is in the central directory; the first is the local header
      int first = i;
      for (int k = 0; k < i; k++) {
        if (Arrays.equals(hay, k, k + needle.length, needle, 0, needle.length)) {
          first = k;
          break;
        }
      }
      return first;
    }
    throw new AssertionError("not found");
  }

  private static Path jarOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Maven repository layout: …/artifactId/VERSION/artifactId-VERSION.jar. */
  private static String versionFromPath(Path jar) {
    return jar.getParent().getFileName().toString();
  }

  private static String sha1(Path file) throws IOException {
    return sha1(Files.readAllBytes(file));
  }

  private static String sha1(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
