package dev.autograd4j;

/** Host arrays of any dtype (float[], double[], long[], boolean[]) converted to one element type. */
final class HostArrays {
    private HostArrays() {
    }

    static float[] floats(Object host) {
        if (host instanceof float[] f) {
            return f;
        }
        double[] d = doubles(host);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    static double[] doubles(Object host) {
        if (host instanceof double[] d) {
            return d;
        }
        if (host instanceof float[] f) {
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        if (host instanceof long[] l) {
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                d[i] = l[i];
            }
            return d;
        }
        boolean[] b = (boolean[]) host;
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            d[i] = b[i] ? 1 : 0;
        }
        return d;
    }

    static long[] longs(Object host) {
        if (host instanceof long[] l) {
            return l;
        }
        double[] d = doubles(host);
        long[] l = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            l[i] = (long) d[i];
        }
        return l;
    }
}
