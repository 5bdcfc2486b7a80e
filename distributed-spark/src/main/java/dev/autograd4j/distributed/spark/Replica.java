package dev.autograd4j.distributed.spark;

import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.MemoryScope;
import dev.autograd4j.Tensor;
import dev.autograd4j.nn.Module;
import dev.autograd4j.optim.Optimizer;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** One rank's model and optimizer on its device, and one training step. */
final class Replica {
    final Module model;
    final Optimizer optimizer;
    final Device device;
    private final LossFunction loss;

    private Replica(Module model, Optimizer optimizer, Device device, LossFunction loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.device = device;
        this.loss = loss;
    }

    /**
     * Builds the replica from the factories, loads the model state (and the optimizer state, if any) and puts it
     * in training mode.
     */
    static Replica create(Config config, Map<String, Tensor> modelState, Map<String, Tensor> optimizerState) {
        Device device = device(config.device());
        Module model = config.model().create();
        if (model == null) {
            throw new IllegalStateException("the model factory returned null");
        }
        model.to(device);
        model.loadStateDict(modelState);
        model.train();
        Optimizer optimizer = config.optimizer().create(model.parameters());
        if (optimizer == null) {
            throw new IllegalStateException("the optimizer factory returned null");
        }
        if (optimizerState != null && !optimizerState.isEmpty()) {
            optimizer.loadStateDict(optimizerState);
        }
        return new Replica(model, optimizer, device, config.loss());
    }

    /**
     * The device of this task: the configured one, else the GPU Spark assigned to the task (resource
     * {@code gpu}), else the CPU.
     */
    static Device device(String spec) {
        if (spec != null) {
            return DefaultDevice.parse(spec);
        }
        TaskContext task = TaskContext.get();
        if (task != null) {
            ResourceInformation gpu = task.resourcesJMap().get("gpu");
            if (gpu != null && gpu.addresses().length > 0) {
                return Device.cuda(Integer.parseInt(gpu.addresses()[0].trim()));
            }
        }
        return Device.cpu();
    }

    /**
     * One step: forward through {@code forward} (the model, or its DDP wrapper), loss, backward, optimizer step.
     *
     * @return the batch loss
     */
    double step(Module forward, Batch batch) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = batch.input().to(device);
            Tensor y = batch.target().to(device);
            Tensor l = loss.apply(forward.forward(x), y);
            optimizer.zeroGrad();
            l.backward();
            optimizer.step();
            return l.item();
        }
    }
}
