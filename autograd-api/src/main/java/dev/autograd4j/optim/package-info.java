/**
 * Optimizers in the shape of {@code torch.optim}: {@link dev.autograd4j.optim.SGD},
 * {@link dev.autograd4j.optim.Adam} and {@link dev.autograd4j.optim.AdamW} over one parameter group
 * (usually {@code module.parameters()} from {@link dev.autograd4j.nn}), and learning-rate schedules
 * {@link dev.autograd4j.optim.StepLR} and {@link dev.autograd4j.optim.CosineAnnealingLR}. Updates read
 * each parameter's {@code grad}, run in place under {@code Autograd.noGrad()} with ordinary
 * {@link dev.autograd4j.Tensor} ops (so they work on every device), and skip parameters without a
 * gradient. Optimizer state escapes any open {@link dev.autograd4j.MemoryScope}.
 */
package dev.autograd4j.optim;
