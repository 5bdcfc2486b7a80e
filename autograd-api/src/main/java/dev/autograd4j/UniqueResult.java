package dev.autograd4j;

/**
 * What {@link TensorAdvancedIndexing#unique(boolean, boolean, boolean)} returns, PyTorch's tuple of
 * {@code torch.unique}.
 *
 * @param values the distinct values, 1-D, in ascending order, of the input's dtype
 * @param inverse for each input element (of the input's shape, INT64) the position of its value in
 *     {@code values}; null unless asked for
 * @param counts for each value (INT64, of values' length) how often it occurs; null unless asked for
 */
public record UniqueResult(Tensor values, Tensor inverse, Tensor counts) {
}
