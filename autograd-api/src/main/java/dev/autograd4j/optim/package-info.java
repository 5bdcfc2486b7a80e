/**
 * Optimizers in the shape of {@code torch.optim}: {@link dev.autograd4j.optim.SGD},
 * {@link dev.autograd4j.optim.Adam}, {@link dev.autograd4j.optim.AdamW}, and learning-rate schedules
 * {@link dev.autograd4j.optim.StepLR} and {@link dev.autograd4j.optim.CosineAnnealingLR}. Updates run
 * in place under {@code Autograd.noGrad()}.
 */
package dev.autograd4j.optim;
