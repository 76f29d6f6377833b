package dev.sekisho.scanner.scan;

import dev.sekisho.scanner.check.BaseImageResolver;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.vex.VexStatements;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ScanPipeline#scan} needs: where the inventory comes from, the database, the policies
 * and the clock.
 *
 * @param source the inventory: taken from an image just now ({@link Received}), or the inventory of
 *     a stored report to match again after a database update ({@link Stored})
 * @param database the database to match against, or null to skip matching (the report then says no
 *     database was used)
 * @param policies the policies to select and apply, or null for none (no verdict)
 * @param baseImages resolves candidate base images for identification by shared layers, or null
 *     when the front has no registry access (then only the OCI annotation identifies the base)
 * @param clock the scan time (recorded in the report and used for the verdict)
 * @param scannerVersion the scanner version recorded in the report; null for this build's
 */
public record ScanInput(
    Source source,
    MatchingDatabase database,
    Policies policies,
    BaseImageResolver baseImages,
    Clock clock,
    String scannerVersion) {

  public ScanInput {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(clock, "clock");
    scannerVersion = scannerVersion == null ? ScannerVersion.current() : scannerVersion;
  }

  /** Where the inventory comes from. */
  public sealed interface Source permits Received, Stored {}

  /**
   * An inventory read from an image or SBOM by this process ({@link ScanPipeline#inventory}) or
   * received from the Task step through the scan API.
   */
  public record Received(Inventory inventory) implements Source {
    public Received {
      Objects.requireNonNull(inventory, "inventory");
    }
  }

  /**
   * A stored report whose inventory is matched again against a newer database. What does not depend
   * on the database (secrets, misconfigurations, base image, warnings, scanner version and scan
   * time) is kept as recorded; the vulnerabilities and the database named are replaced.
   */
  public record Stored(ScanReport report) implements Source {
    public Stored {
      Objects.requireNonNull(report, "report");
    }
  }

  /**
   * The policies of a scan.
   *
   * @param candidates every policy that may apply; each is selected by its image and pipeline
   *     selector ({@code PolicySelector}) before it is used
   * @param pipeline the Tekton Pipeline the scan runs in, or null outside a pipeline
   * @param evaluate true to decide the verdict here; false when the verdict is decided elsewhere
   *     (the operator's reconciler) and the policies only name candidate base images
   * @param vex statements of the VEX documents given to the scan itself (the CLI's --vex), applied
   *     with every policy, and listed even when no policy is given
   */
  public record Policies(
      List<NamedPolicy> candidates, String pipeline, boolean evaluate, VexStatements vex) {
    public Policies {
      candidates = candidates == null ? List.of() : List.copyOf(candidates);
      vex = vex == null ? VexStatements.none() : vex;
    }

    /** Policies without VEX documents of the scan's own. */
    public Policies(List<NamedPolicy> candidates, String pipeline, boolean evaluate) {
      this(candidates, pipeline, evaluate, VexStatements.none());
    }
  }
}
