package dev.sekisho.operator.notify;

import dev.sekisho.api.v1alpha1.Finding;
import dev.sekisho.api.v1alpha1.InUse;
import dev.sekisho.api.v1alpha1.ScanResult;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.WorkloadUse;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** ScanResults for the notifier's tests. */
final class Results {
  static final String DIGEST = "sha256:" + "ab".repeat(32);

  private Results() {}

  static Finding finding(String id, Severity severity) {
    Finding f = new Finding();
    f.setId(id);
    f.setType("vulnerability");
    f.setSeverity(severity);
    f.setPackageName("openssl");
    f.setInstalledVersion("3.0.1");
    f.setFixedVersion("3.0.2");
    f.setCvss(8.1);
    return f;
  }

  /** A result in use by one Deployment's two pods. */
  static ScanResult inUse(String ns, String name, Verdict verdict, Finding... findings) {
    ScanResult r = new ScanResult();
    r.setMetadata(
        new ObjectMetaBuilder().withNamespace(ns).withName(name).withUid("uid-" + name).build());
    r.getSpec().setImage("registry.example/shop/app:1.0");
    r.getSpec().setDigest(DIGEST);
    r.getSpec().setFindings(new java.util.ArrayList<>(List.of(findings)));
    r.getStatus().setVerdict(verdict);
    r.getStatus().setDecidingPolicy(verdict == Verdict.Fail ? "no-critical" : null);
    InUse use = new InUse();
    use.setPods(2);
    use.setWorkloads(new java.util.ArrayList<>(List.of(new WorkloadUse("Deployment", "shop", 2))));
    use.setWorkloadCount(1);
    r.getStatus().setInUse(use);
    return r;
  }
}
