package dev.autograd4j.examples.mnist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the per-epoch statistics as CSV and as a small self-contained SVG line chart (no dependency). */
public final class LossCurve {
    private LossCurve() {
    }

    /**
     * Writes one CSV row per epoch, with a header row.
     *
     * @param epochs the statistics, in order
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing fails
     */
    public static void writeCsv(List<MnistTraining.EpochStats> epochs, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,train_loss,train_accuracy,test_accuracy,learning_rate,"
                + "images_per_second,elapsed_seconds\n");
        for (MnistTraining.EpochStats e : epochs) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.8f,%.1f,%.3f%n", e.epoch(), e.loss(),
                    e.trainAccuracy(), e.testAccuracy(), e.lr(), e.imagesPerSecond(), e.elapsedSeconds()));
        }
        Files.writeString(file, sb.toString());
    }

    /**
     * Two panels side by side: training loss per epoch (left, its own scale from 0), and train and test
     * accuracy per epoch (right, in percent).
     *
     * @param epochs the statistics, in order
     * @param title the chart's title
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing fails
     */
    public static void writeSvg(List<MnistTraining.EpochStats> epochs, String title, Path file) throws IOException {
        int n = epochs.size();
        double[] loss = new double[n], train = new double[n], test = new double[n];
        for (int i = 0; i < n; i++) {
            loss[i] = epochs.get(i).loss();
            train[i] = 100 * epochs.get(i).trainAccuracy();
            test[i] = 100 * epochs.get(i).testAccuracy();
        }
        double maxLoss = 0;
        for (double v : loss) {
            maxLoss = Math.max(maxLoss, v);
        }
        maxLoss = niceCeil(maxLoss);
        double minAcc = 100;
        for (int i = 0; i < n; i++) {
            minAcc = Math.min(minAcc, Math.min(train[i], test[i]));
        }
        minAcc = Math.max(0, Math.floor(minAcc / 5) * 5);

        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"340\" viewBox=\"0 0 860 340\" ")
                .append("font-family=\"sans-serif\" font-size=\"12\">\n")
                .append("<rect width=\"860\" height=\"340\" fill=\"white\"/>\n")
                .append("<text x=\"430\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">").append(escape(title))
                .append("</text>\n");
        panel(s, 60, "training loss", 0, maxLoss, "%.2f", n, new double[][] {loss},
                new String[] {"#d62728"}, new String[] {"loss"});
        panel(s, 480, "accuracy (%)", minAcc, 100, "%.0f", n, new double[][] {train, test},
                new String[] {"#1f77b4", "#2ca02c"}, new String[] {"train", "test"});
        s.append("</svg>\n");
        Files.writeString(file, s.toString());
    }

    private static void panel(StringBuilder s, int x0, String label, double lo, double hi, String fmt, int n,
                              double[][] series, String[] colors, String[] names) {
        int y0 = 50, w = 340, h = 230;
        if (hi <= lo) {
            hi = lo + 1;
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", x0, y0, w, h));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                x0 + w / 2, y0 - 8, escape(label)));
        for (int k = 0; k <= 4; k++) {
            double v = lo + (hi - lo) * k / 4;
            double y = y0 + h - h * k / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0, y, x0 + w, y, x0 - 5, y + 4,
                    String.format(Locale.ROOT, fmt, v)));
        }
        int ticks = Math.min(n, 10);
        for (int k = 0; k < ticks; k++) {
            int epoch = 1 + (int) Math.round((double) k * (n - 1) / Math.max(1, ticks - 1));
            double x = xAt(epoch - 1, n, x0, w);
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x,
                    y0 + h + 16, epoch));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>%n",
                x0 + w / 2, y0 + h + 34));
        for (int j = 0; j < series.length; j++) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < n; i++) {
                double y = y0 + h - h * (series[j][i] - lo) / (hi - lo);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", xAt(i, n, x0, w), y));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
                        xAt(i, n, x0, w), y, colors[j]));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                    + "points=\"%s\"/>%n", colors[j], pts.toString().trim()));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>%n", x0 + w - 80, y0 + 14 + 16 * j,
                    x0 + w - 60, y0 + 14 + 16 * j, colors[j], x0 + w - 55, y0 + 18 + 16 * j, names[j]));
        }
    }

    private static double xAt(int i, int n, int x0, int w) {
        return n <= 1 ? x0 + w / 2.0 : x0 + 10 + (w - 20) * (double) i / (n - 1);
    }

    private static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
