/**
 * Data loading, shaped like PyTorch's {@code torch.utils.data}: a {@link dev.autograd4j.data.Dataset} of
 * examples, {@link dev.autograd4j.data.TensorDataset} over tensors sharing their first dimension,
 * {@link dev.autograd4j.data.DataLoader} (batches, seeded shuffling, drop-last, collate, background
 * prefetch on worker threads, transfer to a device) and {@link dev.autograd4j.data.Datasets#randomSplit}.
 */
package dev.autograd4j.data;
