package dev.rsp.launcher;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Turns SIGTERM and SIGINT into a call of a stop action, so that rsp stops its framework and exits 0 instead of
 * dying with the signal's status. Uses {@code sun.misc.Signal} (module jdk.unsupported) by reflection; where it is
 * missing, the JVM's own shutdown hook still stops the framework.
 */
final class StopSignals {

    private StopSignals() {
    }

    /** Installs handlers for TERM and INT; returns false when this JVM does not offer signal handling. */
    static boolean install(final Runnable stop) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    new InvocationHandler() {
                        @Override
                        public Object invoke(Object proxy, Method method, Object[] args) {
                            if (method.getName().equals("handle")) {
                                stop.run();
                                return null;
                            }
                            if (method.getName().equals("hashCode")) {
                                return System.identityHashCode(proxy);
                            }
                            if (method.getName().equals("equals")) {
                                return proxy == args[0];
                            }
                            return "rsp stop handler";
                        }
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (String name : new String[] {"TERM", "INT"}) {
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                handle.invoke(null, signal, handler);
            }
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
