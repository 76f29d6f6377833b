package dev.sekisho.scanner.vex;

import java.util.Locale;
import java.util.Map;

/**
 * Justification names across the VEX formats. OpenVEX and CSAF share five names; CycloneDX has
 * nine. The mapping is the one the CISA "VEX status justifications" document and vexctl use: code
 * not present and not reachable map one to one, CycloneDX's requires_* to "cannot be controlled by
 * adversary", its protected_* to "inline mitigations already exist".
 */
public final class Justifications {
  private static final Map<String, String> CYCLONEDX_TO_OPENVEX =
      Map.of(
          "code_not_present", "vulnerable_code_not_present",
          "code_not_reachable", "vulnerable_code_not_in_execute_path",
          "requires_configuration", "vulnerable_code_cannot_be_controlled_by_adversary",
          "requires_dependency", "vulnerable_code_cannot_be_controlled_by_adversary",
          "requires_environment", "vulnerable_code_cannot_be_controlled_by_adversary",
          "protected_by_compiler", "inline_mitigations_already_exist",
          "protected_at_runtime", "inline_mitigations_already_exist",
          "protected_at_perimeter", "inline_mitigations_already_exist",
          "protected_by_mitigating_control", "inline_mitigations_already_exist");
  private static final Map<String, String> OPENVEX_TO_CYCLONEDX =
      Map.of(
          "component_not_present", "code_not_present",
          "vulnerable_code_not_present", "code_not_present",
          "vulnerable_code_not_in_execute_path", "code_not_reachable",
          "vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment",
          "inline_mitigations_already_exist", "protected_by_mitigating_control");

  private Justifications() {}

  /** The OpenVEX name of {@code justification} (given in any format's names), or null. */
  public static String openVex(String justification) {
    if (justification == null) {
      return null;
    }
    String j = justification.strip().toLowerCase(Locale.ROOT);
    if (OPENVEX_TO_CYCLONEDX.containsKey(j)) {
      return j;
    }
    return CYCLONEDX_TO_OPENVEX.get(j);
  }

  /** The CycloneDX name of {@code justification} (given in any format's names), or null. */
  public static String cycloneDx(String justification) {
    if (justification == null) {
      return null;
    }
    String j = justification.strip().toLowerCase(Locale.ROOT);
    if (CYCLONEDX_TO_OPENVEX.containsKey(j)) {
      return j;
    }
    return OPENVEX_TO_CYCLONEDX.get(j);
  }
}
