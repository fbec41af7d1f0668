namespace Mtc.Cli.Tests.Deploy;

/// <summary>deploy/edge/mtc-edge.service is a unit systemd accepts, for a hardened edge that keeps its outbox in its state directory.</summary>
public sealed class EdgeServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mtc-unit-").FullName;

    [Fact]
    public async Task The_unit_verifies_with_systemd_and_runs_the_edge_hardened_with_its_outbox_in_the_state_directory()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Mtc.Cloud.Tests.Contract.ToolProcess.RepositoryRoot(), "deploy", "edge", "mtc-edge.service"));
        var directives = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or '['))
            .Select(l => l.Split('=', 2)).ToLookup(p => p[0], p => p[1]);
        Assert.Equal("notify", Assert.Single(directives["Type"]));
        Assert.Equal("always", Assert.Single(directives["Restart"]));
        Assert.Equal("yes", Assert.Single(directives["DynamicUser"]));
        Assert.Equal("strict", Assert.Single(directives["ProtectSystem"]));
        Assert.Equal("yes", Assert.Single(directives["NoNewPrivileges"]));
        var state = Assert.Single(directives["StateDirectory"]);
        Assert.Contains($"Edge__DataDirectory=/var/lib/{state}", directives["Environment"]);
        var exec = Assert.Single(directives["ExecStart"]).Split(' ');
        Assert.Equal(["edge", "--config"], exec[1..3]);
        Assert.Empty(MtcCommand.Build(TextWriter.Null, TextWriter.Null).Parse(exec[1..]).Errors);

        // systemd-analyze checks every directive and that the binary exists: point ExecStart at this build's mtc.
        var unit = Path.Combine(_dir, "mtc-edge.service");
        await File.WriteAllTextAsync(unit, text.Replace(exec[0], Path.Combine(AppContext.BaseDirectory, "mtc"), StringComparison.Ordinal));
        // It exits 0 on an unknown or misspelt directive too, printing "mtc-edge.service:LINE: ..." to stderr: none may show.
        var (code, stdout, stderr) = await Mtc.Cloud.Tests.Contract.ToolProcess.RunAsync("systemd-analyze", ["verify", unit], _dir, TimeSpan.FromMinutes(1));
        Assert.True(code == 0, $"systemd-analyze verify exited {code}: {stderr}{stdout}");
        Assert.DoesNotContain("mtc-edge.service", stderr + stdout, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
