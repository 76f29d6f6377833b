package dev.sekisho.operator.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.operator.store.ReportStore;
import dev.sekisho.operator.store.ReportStoreTest;
import dev.sekisho.operator.testing.RunningOperator;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the re-matcher collects after a database refresh, on a real API server with the operator's
 * own informer cache: a stored report without a ScanResult and the temporary file of an interrupted
 * write, once older than {@link Rematcher#ORPHAN_GRACE}; never a young report without a ScanResult
 * (a submission between storing its report and creating its ScanResult), nor the report of a
 * ScanResult that exists.
 */
@WithKubeApiServer(crds = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OrphanReportsIT {

  @Test
  void oldOrphansAndUnfinishedWritesAreCollectedAndASubmissionInFlightIsNot(
      KubeApiServer kube, @TempDir Path work) throws Exception {
    Path bundle = Files.createDirectories(work.resolve("bundle"));
    osvBundle(bundle.resolve("Alpine-all.zip"));
    try (RunningOperator operator =
        RunningOperator.builder(kube, work).env("SEKISHO_DB_BUNDLE", bundle.toString()).start()) {
      ReportStore store = operator.operator().store();
      Path storeDir = operator.config().storeDir();
      String ns = kube.createNamespace("orphans");
      FileTime old = FileTime.from(Instant.now().minus(Rematcher.ORPHAN_GRACE.multipliedBy(2)));

      // a report a submission has just stored; its ScanResult is being created
      String inFlight = ReportStore.key(ns, "in-flight");
      store.put(inFlight, ReportStoreTest.report());
      // a report whose ScanResult was never created (the operator was killed in between)
      String orphan = ReportStore.key(ns, "orphan");
      store.put(orphan, ReportStoreTest.report());
      Files.setLastModifiedTime(storeDir.resolve(ns + "_orphan.json.gz"), old);
      // an old report whose ScanResult exists
      String kept = ReportStore.key(ns, "kept");
      store.put(kept, ReportStoreTest.report());
      Files.setLastModifiedTime(storeDir.resolve(ns + "_kept.json.gz"), old);
      ScanResult result = new ScanResult();
      result.setMetadata(new ObjectMetaBuilder().withName("kept").withNamespace(ns).build());
      result.getSpec().setImage("registry.example.com/shop/app:1");
      result.getSpec().setDigest("sha256:" + "a".repeat(64));
      result.getSpec().setStoreKey(kept);
      kube.adminClient().resource(result).create();
      // writes a kill interrupted between writing the temporary file and moving it into place
      Path unfinishedOld = Files.writeString(storeDir.resolve(".put-111.tmp"), "half");
      Files.setLastModifiedTime(unfinishedOld, old);
      Path unfinishedNew = Files.writeString(storeDir.resolve(".put-222.tmp"), "in progress");
      Awaiting.until(
          "the operator's cache has every ScanResult",
          Duration.ofSeconds(60),
          () ->
              operator.operator().results().synced()
                  && operator.operator().results().get(kept) != null);

      operator.refreshDatabase();

      assertThat(store.get(orphan)).as("an old report without a ScanResult").isEmpty();
      assertThat(unfinishedOld).as("an old unfinished write").doesNotExist();
      assertThat(store.get(inFlight)).as("a submission in flight keeps its report").isPresent();
      assertThat(unfinishedNew).as("a write in progress").exists();
      assertThat(store.get(kept)).as("a result's report").isPresent();
      assertThat(store.keys()).containsExactlyInAnyOrder(inFlight, kept);
    }
  }

  private static void osvBundle(Path zip) throws Exception {
    String record =
        """
        {"schema_version":"1.6.0","id":"ALPINE-CVE-2099-1111","modified":"2026-11-01T00:00:00Z",
         "published":"2026-10-01T00:00:00Z","aliases":["CVE-2099-1111"],"summary":"zlib test",
         "affected":[{"package":{"ecosystem":"Alpine:v3.20","name":"zlib"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.3.2-r0"}]}]}]}
        """;
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("ALPINE-CVE-2099-1111.json"));
      z.write(record.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
  }
}
