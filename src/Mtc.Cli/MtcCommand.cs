using System.CommandLine;
using System.CommandLine.Help;

namespace Mtc.Cli;

/// <summary>The <c>mtc</c> command: one subcommand per job.</summary>
internal static class MtcCommand
{
    public static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("MTConnect Core: edge gateway, cloud API, simulator and tools for MTConnect machine data.");
        root.Subcommands.Add(Commands.InspectCommand.Create());
        root.Subcommands.Add(Commands.EdgeCommand.Create());
        root.Subcommands.Add(Commands.AnalyzeCommand.Create());
        root.Subcommands.Add(Commands.SimCommand.Build(stdout, stderr));
        root.Subcommands.Add(Commands.CloudCommand.Create());
        root.Subcommands.Add(Commands.CloudCommand.CreateDb());
        root.Subcommands.Add(Commands.WorkerCommand.Create());
        root.Subcommands.Add(Commands.KeysCommand.Create());
        root.Subcommands.Add(Commands.Demo.DemoCommand.Create());
        root.Subcommands.Add(Commands.Doctor.DoctorCommand.Create());
        root.Subcommands.Add(Commands.HealthCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = Build(stdout, stderr);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            // Bad usage exits 2 with one line, as every mtc command promises (System.CommandLine alone would exit 1).
            var names = new List<string>();
            for (var c = parse.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            {
                names.Insert(0, c.Command == root ? "mtc" : c.Command.Name);
            }
            var usage = $"{string.Join(' ', names)} --help";
            await stderr.WriteLineAsync(Mtc.Core.Text.Printable.Escape($"mtc: {string.Join("; ", parse.Errors.Select(e => e.Message))} (see '{usage}')")).ConfigureAwait(false);
            return 2;
        }
        return await parse.InvokeAsync(config).ConfigureAwait(false);
    }
}
