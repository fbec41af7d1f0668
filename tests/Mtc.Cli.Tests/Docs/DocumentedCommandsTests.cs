using System.Text;
using System.Text.RegularExpressions;

namespace Mtc.Cli.Tests.Docs;

/// <summary>
/// The README and every page in docs/ agree with the code: each <c>mtc</c> command in their shell blocks parses against the
/// real command tree (commands, options and their values as <c>mtc</c> would read them, so a renamed or removed option
/// fails here), each repository file such a command names exists, and each relative link points at a file that exists.
/// </summary>
public sealed partial class DocumentedCommandsTests
{
    private static readonly string Root = Mtc.Cloud.Tests.Contract.ToolProcess.RepositoryRoot();

    private static IEnumerable<string> PagePaths() =>
        Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal)
            .Select(page => Path.GetRelativePath(Root, page).Replace('\\', '/')).Prepend("README.md");

    public static TheoryData<string> Pages() => new(PagePaths());

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_mtc_command_in_the_page_parses_and_names_files_that_exist(string page)
    {
        var problems = new List<string>();
        foreach (var (line, args) in Commands(File.ReadAllText(Path.Combine(Root, page))))
        {
            var parse = MtcCommand.Build(TextWriter.Null, TextWriter.Null).Parse(args);
            if (parse.Errors.Count > 0)
            {
                problems.Add($"{page}:{line}: mtc {string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            }
            foreach (var path in args.Where(a => RepositoryPath().IsMatch(a)))
            {
                if (!File.Exists(Path.Combine(Root, path)) && !Directory.Exists(Path.Combine(Root, path)))
                {
                    problems.Add($"{page}:{line}: {path} does not exist");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_pages_show_commands_at_all()
    {
        // A parser that found nothing would pass every page above.
        var found = PagePaths().Sum(p => Commands(File.ReadAllText(Path.Combine(Root, p))).Count());
        Assert.True(found >= 15, $"only {found} mtc commands found in the README and docs/");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_in_the_page_resolves(string page)
    {
        var dir = Path.GetDirectoryName(Path.Combine(Root, page))!;
        var broken = Link().Matches(File.ReadAllText(Path.Combine(Root, page)))
            .Select(m => m.Groups[1].Value.Split('#')[0])
            .Where(t => t.Length > 0 && !t.Contains("://", StringComparison.Ordinal) && !t.StartsWith("mailto:", StringComparison.Ordinal))
            .Where(t => !File.Exists(Path.Combine(dir, t)) && !Directory.Exists(Path.Combine(dir, t)))
            .ToList();
        Assert.True(broken.Count == 0, $"{page} links to missing files: {string.Join(", ", broken)}");
    }

    [Fact]
    public void The_command_reader_reads_shell_as_a_shell_does()
    {
        var text = "```sh\nEdge__Cloud__ApiKey=mtc_x mtc edge --config 'deploy/edge/edge.json'   # comment\n" +
            "mtc keys create --tenant \"acme corp\" \\\n  --scopes ext:read | jq .\ndotnet run --project src/Mtc.Cli -- demo --port 5000\n" +
            "dotnet run -c Release --project bench/Mtc.Benchmarks -- --filter '*X*'\nmtc doctor URL [--format table|json]\n" +
            "podman-compose -f deploy/compose.yaml exec -T cloud-1 /app/mtc keys list --tenant acme\n" +
            "podman run --rm -e X=1 mtc:latest sim --port 5000\n```\n" +
            "mtc outside a block\n";
        var commands = Commands(text).ToList();
        Assert.Equal(5, commands.Count);
        Assert.Equal(["edge", "--config", "deploy/edge/edge.json"], commands[0].Args);
        Assert.Equal(["keys", "create", "--tenant", "acme corp", "--scopes", "ext:read"], commands[1].Args);
        Assert.Equal(3, commands[1].Line);
        Assert.Equal(["demo", "--port", "5000"], commands[2].Args);
        Assert.Equal(["doctor", "URL", "--format", "table"], commands[3].Args);
        Assert.Equal(["keys", "list", "--tenant", "acme"], commands[4].Args);
    }

    /// <summary>
    /// The <c>mtc</c> invocations in a page's fenced blocks (<c>sh</c>, <c>bash</c>, <c>console</c> or none): line
    /// continuations joined, comments dropped, leading variable assignments skipped, the words after <c>mtc</c> (or after
    /// <c>dotnet run --project src/Mtc.Cli --</c>) up to a pipe, a redirection or the next command.
    /// </summary>
    internal static IEnumerable<(int Line, string[] Args)> Commands(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var inShell = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                var lang = trimmed[3..].Trim();
                inShell = !inShell && lang is "" or "sh" or "bash" or "shell" or "console";
                continue;
            }
            if (!inShell)
            {
                continue;
            }
            var start = i + 1;
            var text = new StringBuilder(lines[i]);
            while (text.Length > 0 && text[^1] == '\\' && i + 1 < lines.Length)
            {
                text.Length--;
                text.Append(' ').Append(lines[++i]);
            }
            // A synopsis ("mtc doctor URL [--duration 60] [--format table|json]") is read with each option given, the first choice.
            var command = text.ToString();
            if (command.Contains("[-", StringComparison.Ordinal))
            {
                command = Choice().Replace(command.Replace('[', ' ').Replace(']', ' '), "$1");
            }
            var words = Words(command);
            var at = 0;
            while (at < words.Count && words[at].StartsWith('$') is false && Assignment().IsMatch(words[at]))
            {
                at++;
            }
            if (words.Count > at + 4 && words[at] == "dotnet" && words[at + 1] == "run" && words.Contains("src/Mtc.Cli") &&
                words.IndexOf("--", at) is var dashes and > 0)
            {
                at = dashes + 1;
            }
            else if (at < words.Count && (words[at] == "mtc" || words[at].EndsWith("/mtc", StringComparison.Ordinal)))
            {
                at++;
            }
            else if (at < words.Count && words[at] is "podman" or "docker" or "podman-compose" or "docker-compose" &&
                words.IndexOf("exec", at) is var exec and > 0 && words.IndexOf("/app/mtc", exec) is var inImage and > 0)
            {
                // The image's mtc in a running container: podman-compose exec -T cloud-1 /app/mtc keys create ...
                at = inImage + 1;
            }
            else
            {
                continue;
            }
            var args = words.Skip(at).TakeWhile(w => w is not ("|" or "&&" or "||" or ";" or "&" or ">" or ">>" or "2>" or "<")).ToArray();
            if (args.Length > 0)
            {
                yield return (start, args);
            }
        }
    }

    /// <summary>Splits a shell line into words: quotes, backslash escapes, <c>#</c> comments, operators as their own words.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '\'' or '"')
            {
                var end = line.IndexOf(c, i + 1);
                end = end < 0 ? line.Length : end;
                word.Append(line, i + 1, end - i - 1);
                inWord = true;
                i = end;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c) || c is '|' or ';' or '&' or '>' or '<')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                if (!char.IsWhiteSpace(c))
                {
                    var op = c.ToString();
                    while (i + 1 < line.Length && line[i + 1] is '|' or '&' or '>')
                    {
                        op += line[++i];
                    }
                    words.Add(op);
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    [GeneratedRegex(@"\b([A-Za-z0-9_-]+)(?:\|[A-Za-z0-9_-]+)+")]
    private static partial Regex Choice();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^(deploy|tests|src|api|bench)/[^\s*?]+$")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
