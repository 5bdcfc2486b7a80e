package dev.autograd4j.distributed.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Rows of a {@code Dataset<Row>} to {@link Sample}s, the columns checked on the driver before any job. */
final class Rows {
    private Rows() {
    }

    static JavaRDD<Sample> samples(Dataset<Row> rows, String labelColumn, String... featureColumns) {
        if (featureColumns == null || featureColumns.length == 0) {
            throw new IllegalArgumentException("name the feature column(s): one array<float|double> column, or "
                    + "one or more numeric columns");
        }
        StructType schema = rows.schema();
        check(schema, labelColumn, "label", false);
        boolean array = featureColumns.length == 1 && check(schema, featureColumns[0], "feature", true);
        if (!array) {
            for (String f : featureColumns) {
                check(schema, f, "feature", false);
            }
        }
        List<Column> columns = new ArrayList<>();
        columns.add(functions.col(labelColumn));
        for (String f : featureColumns) {
            columns.add(functions.col(f));
        }
        String[] names = featureColumns.clone();
        int d = featureColumns.length;
        return rows.select(columns.toArray(new Column[0])).javaRDD().map(row -> {
            if (row.isNullAt(0)) {
                throw new IllegalArgumentException("column \"" + labelColumn + "\" holds a null label");
            }
            double label = ((Number) row.get(0)).doubleValue();
            float[] x;
            if (array) {
                if (row.isNullAt(1)) {
                    throw new IllegalArgumentException("column \"" + names[0] + "\" holds a null feature array");
                }
                List<Object> values = row.getList(1);
                x = new float[values.size()];
                for (int i = 0; i < x.length; i++) {
                    Object v = values.get(i);
                    if (v == null) {
                        throw new IllegalArgumentException("column \"" + names[0] + "\" holds a null element");
                    }
                    x[i] = ((Number) v).floatValue();
                }
            } else {
                x = new float[d];
                for (int i = 0; i < d; i++) {
                    if (row.isNullAt(i + 1)) {
                        throw new IllegalArgumentException("column \"" + names[i] + "\" holds a null feature");
                    }
                    x[i] = ((Number) row.get(i + 1)).floatValue();
                }
            }
            return new Sample(x, label);
        });
    }

    /** Checks that {@code name} is a numeric column (or, if {@code arrayAllowed}, says whether it is a numeric array). */
    private static boolean check(StructType schema, String name, String role, boolean arrayAllowed) {
        StructField field = Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the data set has no " + role + " column \"" + name
                        + "\"; its columns are " + Arrays.toString(schema.fieldNames())));
        DataType type = field.dataType();
        if (type instanceof NumericType) {
            return false;
        }
        if (arrayAllowed && type instanceof ArrayType a && a.elementType() instanceof NumericType) {
            return true;
        }
        throw new IllegalArgumentException("the " + role + " column \"" + name + "\" is of type "
                + type.simpleString() + "; expected a number" + (arrayAllowed ? " or an array of numbers" : ""));
    }
}
