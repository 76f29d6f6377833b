package dev.sekisho.scanner.model;

/**
 * FIRST's Exploit Prediction Scoring System score of a CVE: the probability of exploitation
 * activity in the next 30 days, and its percentile among all scored CVEs.
 *
 * @param score the probability, 0 to 1
 * @param percentile the share of scored CVEs with a lower or equal score, 0 to 1
 */
public record EpssScore(double score, double percentile) {
  public EpssScore {
    if (!(score >= 0 && score <= 1) || !(percentile >= 0 && percentile <= 1)) {
      throw new IllegalArgumentException(
          "EPSS score and percentile are between 0 and 1: " + score + ", " + percentile);
    }
  }
}
