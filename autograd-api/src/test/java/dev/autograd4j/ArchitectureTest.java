package dev.autograd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules of the repository's shape that no compiler checks, over the main sources of every module: dependencies
 * between packages point one way (no loop of files crosses a package boundary), and no source file grows past
 * 1,000 lines.
 */
class ArchitectureTest {
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.[a-z_]\\w*|\\.\\*)?;",
            Pattern.MULTILINE);
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"",
            Pattern.DOTALL);
    private static final Pattern IDENTIFIER = Pattern.compile("\\b[A-Z]\\w*\\b");

    /** A main source file: its class name (package + file name) and its text without comments or strings. */
    private record Source(String name, String pkg, Path path, String code, long lines) {
    }

    private static List<Source> mainSources() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Source> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(p -> Files.isDirectory(p.resolve("src/main/java"))).toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        String text = Files.readString(f);
                        Matcher pm = PACKAGE.matcher(text);
                        String pkg = pm.find() ? pm.group(1) : "";
                        String simple = f.getFileName().toString().replace(".java", "");
                        if (!simple.equals("package-info")) {
                            out.add(new Source(pkg + "." + simple, pkg, root.relativize(f), text,
                                    text.lines().count()));
                        }
                    }
                }
            }
        }
        assertTrue(out.size() > 50, "found the main sources under " + root);
        return out;
    }

    @Test
    void noMainSourceFileIsOver1000Lines() throws IOException {
        List<String> big = mainSources().stream().filter(s -> s.lines() > 1000)
                .map(s -> s.path() + " (" + s.lines() + " lines)").toList();
        assertEquals(List.of(), big);
    }

    @Test
    void noLoopOfFilesCrossesAPackage() throws IOException {
        List<Source> sources = mainSources();
        Map<String, Source> byName = new HashMap<>();
        for (Source s : sources) {
            byName.put(s.name(), s);
        }
        Map<String, Set<String>> edges = new HashMap<>();
        for (Source s : sources) {
            Set<String> to = new TreeSet<>();
            Matcher im = IMPORT.matcher(s.code());
            while (im.find()) {
                // an import of a nested type names its outer file: strip trailing capitalised segments until a file
                String target = im.group(1);
                while (!byName.containsKey(target) && target.contains(".")) {
                    target = target.substring(0, target.lastIndexOf('.'));
                }
                if (byName.containsKey(target)) {
                    to.add(target);
                }
            }
            Matcher id = IDENTIFIER.matcher(COMMENTS.matcher(s.code()).replaceAll(" "));
            while (id.find()) {
                String sibling = s.pkg() + "." + id.group();
                if (byName.containsKey(sibling)) {
                    to.add(sibling);
                }
            }
            to.remove(s.name());
            edges.put(s.name(), to);
        }
        List<String> crossing = new ArrayList<>();
        for (Set<String> component : stronglyConnected(edges)) {
            Set<String> packages = new TreeSet<>();
            component.forEach(n -> packages.add(byName.get(n).pkg()));
            if (packages.size() > 1) {
                crossing.add(packages + ": " + component);
            }
        }
        assertEquals(List.of(), crossing, "files that depend on each other around a loop across packages");
    }

    /** Tarjan's strongly connected components, iteratively (no recursion). */
    private static List<Set<String>> stronglyConnected(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String start : edges.keySet()) {
            if (index.containsKey(start)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>();
            work.push(new Object[] {start, edges.get(start).iterator()});
            index.put(start, counter[0]);
            low.put(start, counter[0]++);
            stack.push(start);
            onStack.add(start);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<String> it = (java.util.Iterator<String>) frame[1];
                if (it.hasNext()) {
                    String w = it.next();
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, edges.getOrDefault(w, Set.of()).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                } else {
                    work.pop();
                    if (!work.isEmpty()) {
                        String parent = (String) work.peek()[0];
                        low.put(parent, Math.min(low.get(parent), low.get(v)));
                    }
                    if (low.get(v).equals(index.get(v))) {
                        Set<String> component = new TreeSet<>();
                        String w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            component.add(w);
                        } while (!w.equals(v));
                        components.add(component);
                    }
                }
            }
        }
        return components;
    }
}
