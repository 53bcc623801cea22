package io.keyless.dist;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/release} run in scratch repositories (a clone of this one, or a new one holding its POM and
 * notes), never in this checkout.
 */
class ReleaseScriptIT {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path SCRIPT = PROJECT.resolve("scripts/release");
    private static final Pattern PROJECT_VERSION =
            Pattern.compile("<artifactId>keyless</artifactId>\\s*<version>([^<]+)</version>");

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void isolateGit() throws IOException {
        // Neither this machine's git configuration nor an identity from it: only what a test gives.
        Path home = Files.createDirectories(dir.resolve("home"));
        environment.put("HOME", home.toString());
        environment.put("XDG_CONFIG_HOME", home.toString());
        environment.put("GIT_CONFIG_NOSYSTEM", "1");
        environment.put("GIT_AUTHOR_NAME", "Rita Release");
        environment.put("GIT_AUTHOR_EMAIL", "rita@example.org");
        environment.put("GIT_COMMITTER_NAME", "Rita Release");
        environment.put("GIT_COMMITTER_EMAIL", "rita@example.org");
    }

    @Test
    void releasesThePomVersionWithNotesTagAndTwoCommitsInACloneOfThisRepository() throws Exception {
        String projectHead = git(PROJECT, "rev-parse", "HEAD");
        String projectTags = git(PROJECT, "tag", "--list");
        Path repo = cloneOfThisRepository();
        git(repo, "tag", "--annotate", "--message", "an earlier release", "v0.0.1");
        commitFile(repo, "widget.txt", "Add the widget");
        git(repo, "checkout", "--quiet", "-b", "tuning");
        commitFile(repo, "tuning.txt", "Tune the widget");
        git(repo, "checkout", "--quiet", "main");
        git(repo, "merge", "--quiet", "--no-ff", "--message", "Merge branch 'tuning'", "tuning");
        String version = projectVersion(git(repo, "show", "HEAD:pom.xml")).replace("-SNAPSHOT", "");
        String next = nextSnapshot(version);
        String handWritten = unreleasedText(git(repo, "show", "HEAD:RELEASE_NOTES.md"));
        String releasedFrom = git(repo, "rev-parse", "HEAD");
        LocalDate before = LocalDate.now(ZoneOffset.UTC);

        Run release = run(repo, SCRIPT.toString());

        LocalDate after = LocalDate.now(ZoneOffset.UTC);
        assertThat(release.status()).as(release.stderr()).isZero();
        assertThat(release.stdout()).contains("released " + version).contains("nothing pushed");
        String tag = "v" + version;
        assertThat(git(repo, "cat-file", "-t", tag)).isEqualTo("tag");
        assertThat(git(repo, "rev-parse", tag + "^{commit}")).isEqualTo(git(repo, "rev-parse", "HEAD~1"));
        assertThat(git(repo, "rev-parse", "HEAD~2")).isEqualTo(releasedFrom);
        assertThat(git(repo, "log", "-1", "--format=%s", "HEAD~1")).isEqualTo("Release " + version);
        assertThat(git(repo, "log", "-1", "--format=%an <%ae>", "HEAD~1")).isEqualTo("Rita Release <rita@example.org>");
        assertThat(git(repo, "log", "-1", "--format=%s", "HEAD")).isEqualTo("Back to development: " + next);
        assertThat(git(repo, "status", "--porcelain")).isEmpty();

        // The project's own version, and nothing else in the POM.
        assertThat(projectVersion(git(repo, "show", tag + ":pom.xml"))).isEqualTo(version);
        assertThat(git(repo, "diff", "--numstat", releasedFrom, tag, "--", "pom.xml")).isEqualTo("1\t1\tpom.xml");
        assertThat(projectVersion(git(repo, "show", "HEAD:pom.xml"))).isEqualTo(next);
        assertThat(git(repo, "diff", "--numstat", tag, "HEAD", "--", "pom.xml")).isEqualTo("1\t1\tpom.xml");

        String notes = git(repo, "show", tag + ":RELEASE_NOTES.md");
        String section = section(notes, "## " + version + " (");
        assertThat(section).matches(Pattern.quote("## " + version + " (") + "(" + before + "|" + after + ")\\)\n"
                + "[\\s\\S]*");
        assertThat(section).contains(handWritten.strip());
        assertThat(items(section)).containsExactly("Add the widget", "Tune the widget");
        assertThat(section).contains("Commits since v0.0.1:").doesNotContain("Merge branch");
        assertThat(notes).doesNotContain("## Unreleased");
        assertThat(git(repo, "tag", "--list", "--format=%(contents)", tag))
                .startsWith("Release " + version + "\n\n").contains("- Tune the widget (");
        assertThat(git(repo, "show", "HEAD:RELEASE_NOTES.md"))
                .startsWith("# Release notes\n\n## Unreleased\n\n## " + version + " (");

        assertThat(git(PROJECT, "rev-parse", "HEAD")).isEqualTo(projectHead);
        assertThat(git(PROJECT, "tag", "--list")).isEqualTo(projectTags);
    }

    @Test
    void withoutATagListsEveryCommitButMergesAndTakesTheVersionsGiven() throws Exception {
        Path repo = newRepositoryWithThisPomAndNotes();
        commitFile(repo, "a.txt", "Add a");
        git(repo, "checkout", "--quiet", "-b", "side");
        commitFile(repo, "b.txt", "Add b on a side branch");
        git(repo, "checkout", "--quiet", "main");
        git(repo, "merge", "--quiet", "--no-ff", "--message", "Merge branch 'side'", "side");

        Run release = run(repo, SCRIPT.toString(), "4.5.6", "--next", "5.0.0-SNAPSHOT");

        assertThat(release.status()).as(release.stderr()).isZero();
        String notes = git(repo, "show", "v4.5.6:RELEASE_NOTES.md");
        assertThat(items(section(notes, "## 4.5.6 ("))).containsExactly("Import", "Add a", "Add b on a side branch");
        assertThat(section(notes, "## 4.5.6 (")).contains("\nCommits:\n");
        assertThat(projectVersion(git(repo, "show", "v4.5.6:pom.xml"))).isEqualTo("4.5.6");
        assertThat(projectVersion(git(repo, "show", "HEAD:pom.xml"))).isEqualTo("5.0.0-SNAPSHOT");
    }

    @Test
    void refusesADirtyTreeAnotherBranchAMissingIdentityAndAnExistingTagChangingNothing() throws Exception {
        Path repo = newRepositoryWithThisPomAndNotes();
        String version = projectVersion(Files.readString(repo.resolve("pom.xml"))).replace("-SNAPSHOT", "");

        Files.writeString(repo.resolve("RELEASE_NOTES.md"), "- an edit not yet committed\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertRefused(repo, "the working tree has changes", SCRIPT.toString());
        git(repo, "checkout", "--quiet", "--", "RELEASE_NOTES.md");

        git(repo, "checkout", "--quiet", "-b", "topic");
        assertRefused(repo, "on branch topic, not main", SCRIPT.toString());
        git(repo, "checkout", "--quiet", "main");

        for (String variable : List.of("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                "GIT_COMMITTER_EMAIL")) {
            String value = environment.remove(variable);
            assertRefused(repo, "no git identity", SCRIPT.toString());
            environment.put(variable, value);
        }

        git(repo, "tag", "--annotate", "--message", "already", "v" + version);
        assertRefused(repo, "tag v" + version + " exists already", SCRIPT.toString());
        assertRefused(repo, "version 'next' is not X.Y.Z", SCRIPT.toString(), "next");
    }

    @Test
    void refusesAnUntrackedFileThatGitStatusIsConfiguredToHide() throws Exception {
        Path repo = newRepositoryWithThisPomAndNotes();
        git(repo, "config", "status.showUntrackedFiles", "no");
        Files.writeString(repo.resolve("stray.txt"), "left over from a build\n");

        assertThat(assertRefused(repo, "untracked files", SCRIPT.toString()).stderr()).contains("?? stray.txt");
    }

    @Test
    void refusesVersionsThatDoNotComeAfterTheLatestReleaseComparingNumbers() throws Exception {
        Path repo = newRepositoryWithThisPomAndNotes();
        git(repo, "tag", "--annotate", "--message", "nine", "v1.9.0");
        git(repo, "tag", "--annotate", "--message", "ten", "v1.10.0");
        git(repo, "tag", "--annotate", "--message", "a candidate, not a release", "v7.0.0-rc1");
        String script = SCRIPT.toString();

        // As text, 1.9.5 sorts after 1.10.0; as numbers it comes before.
        assertRefused(repo, "version 1.9.5 does not come after v1.10.0, the latest release", script, "1.9.5");
        assertRefused(repo, "tag v1.10.0 exists already", script, "1.10.0");
        assertRefused(repo, "version '1.010.1' is not X.Y.Z", script, "1.010.1");
        assertRefused(repo, "next version 1.11.0-SNAPSHOT does not come after 1.11.0", script, "1.11.0",
                "--next", "1.11.0-SNAPSHOT");
        assertRefused(repo, "next version 1.10.9-SNAPSHOT does not come after 1.11.0", script, "1.11.0",
                "--next", "1.10.9-SNAPSHOT");
        assertRefused(repo, "next version '1.12.0' is not X.Y.Z-SNAPSHOT", script, "1.11.0", "--next", "1.12.0");

        Run dryRun = run(repo, script, "--dry-run", "1.10.1");
        assertThat(dryRun.status()).as(dryRun.stderr()).isZero();
        assertThat(dryRun.stdout()).contains("would release 1.10.1 from main").contains("1.10.2-SNAPSHOT");
    }

    @Test
    void aPomThatIsNotASnapshotNeedsTheVersionNamed() throws Exception {
        Path repo = newRepositoryWithThisPomAndNotes();
        String snapshot = projectVersion(Files.readString(repo.resolve("pom.xml")));
        String pom = Files.readString(repo.resolve("pom.xml"));
        Files.writeString(repo.resolve("pom.xml"), pom.replaceFirst(Pattern.quote("<version>" + snapshot + "</version>"),
                "<version>3.0.0</version>"));
        git(repo, "commit", "--quiet", "--all", "--message", "Set the version by hand");

        assertThat(assertRefused(repo, "version 3.0.0 is not a -SNAPSHOT", SCRIPT.toString()).stderr())
                .contains("name the version to")
                .contains("scripts/release X.Y.Z").contains("X.Y.Z-SNAPSHOT");

        Run release = run(repo, SCRIPT.toString(), "3.0.1");
        assertThat(release.status()).as(release.stderr()).isZero();
        assertThat(projectVersion(git(repo, "show", "v3.0.1:pom.xml"))).isEqualTo("3.0.1");
        assertThat(projectVersion(git(repo, "show", "HEAD:pom.xml"))).isEqualTo("3.0.2-SNAPSHOT");
    }

    @Test
    void aFailureHalfWayPrintsTheCommandsThatUndoIt() throws Exception {
        Path repo = newRepositoryWithThisPomAndNotes();
        String start = git(repo, "rev-parse", "HEAD");
        String version = projectVersion(Files.readString(repo.resolve("pom.xml"))).replace("-SNAPSHOT", "");
        // The release commit and its tag are made; the commit back to development is refused by a hook.
        Path hook = repo.resolve(".git/hooks/commit-msg");
        Files.writeString(hook, "#!/bin/sh\n! grep -q '^Back to development' \"$1\" || { echo 'hook: not now' >&2; exit 1; }\n");
        assertThat(hook.toFile().setExecutable(true)).isTrue();

        Run release = run(repo, SCRIPT.toString());

        assertThat(release.status()).isOne();
        assertThat(release.stderr()).contains("hook: not now").contains("release: stopped half way");
        List<String> undo = release.stderr().lines().filter(line -> line.startsWith("  git ")).map(String::strip)
                .toList();
        assertThat(undo).containsExactly("git reset --hard " + start, "git tag -d v" + version);
        assertThat(git(repo, "tag", "--list")).isEqualTo("v" + version);

        for (String command : undo) {
            Run step = run(repo, command.split(" "));
            assertThat(step.status()).as(step.stderr()).isZero();
        }

        assertThat(git(repo, "rev-parse", "HEAD")).isEqualTo(start);
        assertThat(git(repo, "tag", "--list")).isEmpty();
        assertThat(git(repo, "status", "--porcelain", "--untracked-files=normal")).isEmpty();
    }

    @Test
    void refusalsBeforeAnyChangeDoNotPrintUndoCommands() throws Exception {
        Path repo = newRepositoryWithThisPomAndNotes();

        Run refused = run(repo, SCRIPT.toString(), "0.0.0", "--next", "0.0.0-SNAPSHOT");

        assertThat(refused.status()).isOne();
        assertThat(refused.stderr()).doesNotContain("half way").doesNotContain("git reset");
    }

    @Test
    void helpPrintsTheWholeHeaderAndNothingElse() throws Exception {
        List<String> lines = Files.readAllLines(SCRIPT);
        List<String> header = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.startsWith("#")) {
                break;
            }
            header.add(line.replaceFirst("^# ?", ""));
        }

        Run help = run(dir, SCRIPT.toString(), "--help");

        assertThat(help.status()).isZero();
        assertThat(header).hasSizeGreaterThan(5);
        assertThat(help.stdout().lines().toList()).isEqualTo(header);
        assertThat(help.stdout()).contains("undo");
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        Path repo = newRepositoryWithThisPomAndNotes();
        String head = git(repo, "rev-parse", "HEAD");

        Run dryRun = run(repo, SCRIPT.toString(), "--dry-run", "2.0.0");

        assertThat(dryRun.status()).as(dryRun.stderr()).isZero();
        assertThat(dryRun.stdout()).contains("would release 2.0.0 from main")
                .contains("annotated tag v2.0.0").contains("2.0.1-SNAPSHOT").contains("## 2.0.0 (")
                .contains("- Import (");
        assertThat(git(repo, "rev-parse", "HEAD")).isEqualTo(head);
        assertThat(git(repo, "tag", "--list")).isEmpty();
        assertThat(git(repo, "status", "--porcelain")).isEmpty();
    }

    /** Runs {@code command}, checks that it refused for {@code reason} and changed nothing, and returns the run. */
    private Run assertRefused(Path repo, String reason, String... command) throws Exception {
        String head = git(repo, "rev-parse", "HEAD");
        String tags = git(repo, "tag", "--list");
        String status = git(repo, "status", "--porcelain");

        Run refused = run(repo, command);

        assertThat(refused.status()).as(refused.stdout()).isOne();
        assertThat(refused.stderr()).startsWith("release: ").contains(reason);
        assertThat(git(repo, "rev-parse", "HEAD")).isEqualTo(head);
        assertThat(git(repo, "tag", "--list")).isEqualTo(tags);
        assertThat(git(repo, "status", "--porcelain")).isEqualTo(status);
        return refused;
    }

    private Path cloneOfThisRepository() throws Exception {
        Path repo = dir.resolve("clone");
        git(dir, "clone", "--quiet", PROJECT.toString(), repo.toString());
        // This checkout may be on any branch; the clone releases from main.
        git(repo, "checkout", "--quiet", "-B", "main");
        return repo;
    }

    private Path newRepositoryWithThisPomAndNotes() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("new"));
        git(repo, "init", "--quiet", "--initial-branch=main");
        Files.copy(PROJECT.resolve("pom.xml"), repo.resolve("pom.xml"));
        Files.copy(PROJECT.resolve("RELEASE_NOTES.md"), repo.resolve("RELEASE_NOTES.md"));
        git(repo, "add", "pom.xml", "RELEASE_NOTES.md");
        git(repo, "commit", "--quiet", "--message", "Import");
        return repo;
    }

    private void commitFile(Path repo, String name, String subject) throws Exception {
        Files.writeString(repo.resolve(name), subject + "\n");
        git(repo, "add", name);
        git(repo, "commit", "--quiet", "--message", subject);
    }

    private static String projectVersion(String pom) {
        Matcher matcher = PROJECT_VERSION.matcher(pom);
        assertThat(matcher.find()).as("the project's version in pom.xml").isTrue();
        return matcher.group(1);
    }

    private static String nextSnapshot(String version) {
        String[] parts = version.split("\\.");
        assertThat(parts).hasSize(3);
        return parts[0] + "." + parts[1] + "." + (Integer.parseInt(parts[2]) + 1) + "-SNAPSHOT";
    }

    /** The hand-written text of the Unreleased section. */
    private static String unreleasedText(String notes) {
        String section = section(notes, "## Unreleased");
        return section.substring(section.indexOf('\n') + 1);
    }

    /** The section whose heading starts with {@code heading}, up to the next heading. */
    private static String section(String notes, String heading) {
        int start = notes.indexOf("\n" + heading);
        assertThat(start).as("a section '%s' in:\n%s", heading, notes).isNotNegative();
        int end = notes.indexOf("\n## ", start + 1);
        return notes.substring(start + 1, end < 0 ? notes.length() : end + 1);
    }

    /** The commit subjects listed in a section, without their hashes. */
    private static List<String> items(String section) {
        List<String> subjects = new ArrayList<>();
        Matcher item = Pattern.compile("(?m)^- (.+) \\([0-9a-f]{7,}\\)$").matcher(section);
        while (item.find()) {
            subjects.add(item.group(1));
        }
        return subjects;
    }

    private String git(Path repo, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        Run run = run(repo, command.toArray(String[]::new));
        assertThat(run.status()).as("%s: %s", command, run.stderr()).isZero();
        return run.stdout().strip();
    }

    private Run run(Path directory, String... command) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("GIT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record Run(int status, String stdout, String stderr) {
    }
}
