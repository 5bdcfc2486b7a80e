package dev.autograd4j.data;

import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collate functions ({@code torch.utils.data.default_collate}) and the loader's device transfer. */
public final class Collate {
    private Collate() {
    }

    /**
     * PyTorch's default collation: tensors are stacked along a new dimension 0; arrays of tensors
     * ({@link TensorDataset}'s rows), lists and maps are collated position by position (key by key); Java
     * integers ({@code Integer}, {@code Long}) become an int64 tensor and {@code Double}/{@code Float} a
     * float64 tensor, as Python ints and floats; anything else is passed through as the list of examples.
     *
     * @param examples the examples of one batch, at least one
     * @return the batch
     * @throws IllegalArgumentException if the batch is empty or tensors' shapes, arrays' lengths or lists'
     *         sizes differ between examples
     */
    public static Object defaultCollate(List<?> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty batch");
        }
        Object first = examples.get(0);
        if (first instanceof Tensor) {
            List<Tensor> ts = new ArrayList<>(examples.size());
            for (Object e : examples) {
                ts.add((Tensor) e);
            }
            return Tensor.stack(ts, 0);
        }
        if (first instanceof Tensor[] arr) {
            Tensor[] out = new Tensor[arr.length];
            for (int k = 0; k < arr.length; k++) {
                List<Tensor> column = new ArrayList<>(examples.size());
                for (Object e : examples) {
                    Tensor[] row = (Tensor[]) e;
                    if (row.length != arr.length) {
                        throw new IllegalArgumentException("each element in list of batch should be of equal size");
                    }
                    column.add(row[k]);
                }
                out[k] = Tensor.stack(column, 0);
            }
            return out;
        }
        if (first instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int k = 0; k < list.size(); k++) {
                List<Object> column = new ArrayList<>(examples.size());
                for (Object e : examples) {
                    List<?> row = (List<?>) e;
                    if (row.size() != list.size()) {
                        throw new IllegalArgumentException("each element in list of batch should be of equal size");
                    }
                    column.add(row.get(k));
                }
                out.add(defaultCollate(column));
            }
            return out;
        }
        if (first instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Object key : map.keySet()) {
                List<Object> column = new ArrayList<>(examples.size());
                for (Object e : examples) {
                    column.add(((Map<?, ?>) e).get(key));
                }
                out.put(key, defaultCollate(column));
            }
            return out;
        }
        if (first instanceof Integer || first instanceof Long) {
            long[] v = new long[examples.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) examples.get(i)).longValue();
            }
            return Tensor.of(v, v.length);
        }
        if (first instanceof Double || first instanceof Float) {
            double[] v = new double[examples.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) examples.get(i)).doubleValue();
            }
            return Tensor.of(v, v.length);
        }
        return examples;
    }

    /**
     * Stacks {@link TensorDataset} rows: column {@code k} of the batch is the rows' tensors {@code k}
     * stacked along a new dimension 0 (the typed form of {@link #defaultCollate} for arrays of tensors).
     *
     * @param rows the examples of one batch, at least one
     * @return one stacked tensor per column
     * @throws IllegalArgumentException if the batch is empty or the rows' lengths or shapes differ
     */
    public static Tensor[] stack(List<Tensor[]> rows) {
        return (Tensor[]) defaultCollate(rows);
    }

    /**
     * Moves a batch to {@code device}: a tensor, the tensors of an array, list or map (recursively), or a
     * {@link Transferable}; other values are returned as they are.
     *
     * @param <B> the batch type
     * @param batch the batch
     * @param device the target device
     * @return the batch on {@code device} (a new array, list or map when the batch is one)
     */
    @SuppressWarnings("unchecked")
    public static <B> B transfer(B batch, Device device) {
        Object moved;
        if (batch instanceof Tensor t) {
            moved = t.to(device);
        } else if (batch instanceof Tensor[] arr) {
            Tensor[] out = new Tensor[arr.length];
            for (int k = 0; k < arr.length; k++) {
                out[k] = arr[k].to(device);
            }
            moved = out;
        } else if (batch instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(transfer(o, device));
            }
            moved = out;
        } else if (batch instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), transfer(e.getValue(), device));
            }
            moved = out;
        } else if (batch instanceof Transferable<?> tr) {
            moved = tr.to(device);
        } else {
            moved = batch;
        }
        return (B) moved;
    }
}
