package dev.autograd4j.distributed.spark;

import dev.autograd4j.Tensor;
import dev.autograd4j.distributed.Collective;
import dev.autograd4j.distributed.ReduceOp;
import dev.autograd4j.nn.Module;
import java.util.ArrayList;
import java.util.List;

/** Interim: rank 0's parameters broadcast at start, gradients averaged after each backward (until DDP lands). */
final class GradientSync {
    private final Module module;
    private final Collective collective;

    GradientSync(Module module, Collective collective) {
        this.module = module;
        this.collective = collective;
        List<Tensor> state = new ArrayList<>(module.parameters());
        state.addAll(module.buffers());
        collective.broadcast(state, 0);
    }

    Module module() {
        return module;
    }

    void afterBackward() {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : module.parameters()) {
            if (p.grad() != null) {
                grads.add(p.grad());
            }
        }
        collective.allReduce(grads, ReduceOp.AVG);
    }
}
