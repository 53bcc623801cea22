package io.keyless.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, which Maven writes from the POM. */
final class VersionProvider implements IVersionProvider {
    static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "keyless " + version(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
