package io.keyless.soak;

import com.sun.tools.attach.VirtualMachine;
import io.keyless.bench.ServerProcess;
import io.keyless.server.KeylessServerMXBean;

import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Set;

/**
 * Looks inside a running key server over JMX, attached by process id like jcmd: its connections and requests in
 * flight, and its heap, direct memory and threads after a full collection.
 */
final class ServerProbe implements AutoCloseable {
    /** One reading of the server's memory, in bytes, and its live threads. */
    record Memory(long heapBytes, long directBytes, int threads, long residentBytes) {
        double heapMebibytes() {
            return heapBytes / 1048576.0;
        }

        double directMebibytes() {
            return directBytes / 1048576.0;
        }

        double residentMebibytes() {
            return residentBytes / 1048576.0;
        }
    }

    private final long pid;
    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final ThreadMXBean threads;
    private final MBeanServerConnection connection;
    private final KeylessServerMXBean server;

    private ServerProbe(long pid, JMXConnector connector) throws IOException {
        this.pid = pid;
        this.connector = connector;
        this.connection = connector.getMBeanServerConnection();
        this.memory = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.MEMORY_MXBEAN_NAME,
                MemoryMXBean.class);
        this.threads = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
        try {
            Set<ObjectName> names = connection.queryNames(new ObjectName("io.keyless:type=KeylessServer,*"), null);
            if (names.size() != 1) {
                throw new IOException("process " + pid + " has " + names.size() + " key servers registered");
            }
            this.server = JMX.newMXBeanProxy(connection, names.iterator().next(), KeylessServerMXBean.class);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Attaches to the JVM of {@code pid}, starting its local management agent. */
    static ServerProbe attach(long pid) throws IOException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException("cannot attach to process " + pid + ": " + e.getMessage(), e);
        }
        return new ServerProbe(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
    }

    KeylessServerMXBean server() {
        return server;
    }

    /**
     * Collects garbage until the heap stops shrinking, then reads heap, direct memory and threads. Direct memory
     * counts the JDK's direct buffers, which on JDK 17 are also what Netty's pools are made of.
     */
    Memory settledMemory() throws IOException, InterruptedException {
        long previous = Long.MAX_VALUE;
        long heap = 0;
        for (int i = 0; i < 5; i++) {
            memory.gc();
            Thread.sleep(200);
            heap = memory.getHeapMemoryUsage().getUsed();
            if (heap >= previous) {
                break;
            }
            previous = heap;
        }
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(connection, BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return new Memory(heap, direct, threads.getThreadCount(), resident());
    }

    /** Collects garbage once, so that buffers dropped without release become leak reports. */
    void collect() {
        memory.gc();
    }

    private long resident() throws IOException {
        return ServerProcess.residentBytes(pid);
    }

    /** Lets go of the server; once it has exited there is nothing left to close, and that is fine. */
    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // The server is gone, and its end of the connection with it.
        }
    }
}
