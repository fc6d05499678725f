package org.sorcen.train.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The generated aid to the hand-written "Reading the table": for each pair of rows and each figure,
 * whether the difference of the means is larger than the two seed spreads together
 * (|mean_a − mean_b| > std_a + std_b). A rough, conservative rule, not a significance test; it is
 * there so that the prose says "exceeds the seed spread" only where the numbers do. Rows that do not
 * depend on a training seed count as spread 0; pairs of two such rows have no seed spread to compare
 * against and are left out, as are figures a row lacks.
 */
final class SpreadComparison {
  static final String HEADING = "## Differences against the seed spread (generated)";

  private SpreadComparison() {}

  static String markdown(List<ResultsReport.Row> rows, List<ReportColumn> columns) {
    StringBuilder s = new StringBuilder(HEADING).append("\n\n");
    s.append(
        "Each cell: mean of the first row minus mean of the second, then whether its size exceeds the sum of "
            + "the two sample standard deviations over seeds (\"exceeds the seed spread\") or not (\"within the seed "
            + "spread\"). Rows without a training seed count as spread 0.\n\n| |");
    columns.forEach(c -> s.append(" ").append(c.heading()).append(" |"));
    s.append("\n|---|");
    columns.forEach(c -> s.append("---|"));
    s.append("\n");
    boolean any = false;
    for (int i = 0; i < rows.size(); i++) {
      for (int j = i + 1; j < rows.size(); j++) {
        ResultsReport.Row a = rows.get(i);
        ResultsReport.Row b = rows.get(j);
        if (!a.seeded() && !b.seeded()) {
          continue;
        }
        any = true;
        Map<String, SeedSpread> fa = a.spread();
        Map<String, SeedSpread> fb = b.spread();
        s.append("| ").append(a.name()).append(" vs ").append(b.name()).append(" |");
        for (ReportColumn c : columns) {
          s.append(" ")
              .append(cell(fa.get(c.key()), a.seeded(), fb.get(c.key()), b.seeded(), c))
              .append(" |");
        }
        s.append("\n");
      }
    }
    return any ? s.toString() : "";
  }

  /** "+1.2 pts, exceeds the seed spread (0.8 pts)", or "–" when a row lacks the figure. */
  static String cell(SeedSpread a, boolean aSeeded, SeedSpread b, boolean bSeeded, ReportColumn c) {
    if (a == null || b == null) {
      return "–";
    }
    if ((aSeeded && !a.spread()) || (bSeeded && !b.spread())) {
      return c.delta().apply(a.mean() - b.mean()) + ", one seed: no spread";
    }
    double spread = (a.spread() ? a.std() : 0) + (b.spread() ? b.std() : 0);
    String verdict = exceeds(a, b) ? "exceeds the seed spread" : "within the seed spread";
    return String.format(
        Locale.ROOT,
        "%s, %s (%s)",
        c.delta().apply(a.mean() - b.mean()),
        verdict,
        c.delta().apply(spread).substring(1));
  }

  /** The rule itself: |mean difference| greater than the sum of the stds (a single value's std counts 0). */
  static boolean exceeds(SeedSpread a, SeedSpread b) {
    double spread = (a.spread() ? a.std() : 0) + (b.spread() ? b.std() : 0);
    return Math.abs(a.mean() - b.mean()) > spread;
  }
}
