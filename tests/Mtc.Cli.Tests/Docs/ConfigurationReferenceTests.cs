using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Mtc.Cloud.Hosting;
using Mtc.Core.Hosting;
using Mtc.Edge;

namespace Mtc.Cli.Tests.Docs;

/// <summary>
/// docs/configuration.md lists every setting the edge and the cloud bind, with its default and the description of its
/// property: the tables between the <c>settings</c> markers are generated from the options classes and their XML doc
/// comments, and this test fails when they differ from the code (<c>MTC_UPDATE_CONFIG_DOCS=1</c> rewrites them).
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private static string ReferencePath() => Path.Combine(Mtc.Cloud.Tests.Contract.ToolProcess.RepositoryRoot(), "docs", "configuration.md");

    [Fact]
    public void Every_bound_setting_is_in_the_reference_with_its_default()
    {
        var path = ReferencePath();
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var expected = text;
        foreach (var (name, settings) in Sections())
        {
            expected = Replace(expected, name, Table(settings));
        }
        if (Environment.GetEnvironmentVariable("MTC_UPDATE_CONFIG_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(expected == text, "docs/configuration.md does not match the options classes: run the test with MTC_UPDATE_CONFIG_DOCS=1 and review the diff");
        foreach (var (_, settings) in Sections())
        {
            foreach (var s in settings)
            {
                Assert.Contains($"| `{s.Key}` |", text, StringComparison.Ordinal);
            }
            // Every setting says what it does: its property has a summary.
            Assert.DoesNotContain(text.Split('\n'), line => line.StartsWith("| `", StringComparison.Ordinal) && line.EndsWith(" |  |", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_reference_covers_the_settings_the_strict_start_accepts()
    {
        // The cloud's start refuses what no options class binds; each class it accepts is in the reference.
        var documented = Sections().Single(s => s.Name == "cloud").Settings.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        Assert.All(SettingsCatalog.Sections, b => Assert.Contains(documented, k => k.StartsWith(b.Section + ":", StringComparison.Ordinal)));
        Assert.Contains("Cloud:RateLimitPerSecond", documented);
        Assert.Contains("Cloud:Worker:Enabled", documented);
        Assert.Contains("Alerts:EvaluationSeconds", documented);
    }

    private static IEnumerable<(string Name, IReadOnlyList<SettingPath> Settings)> Sections()
    {
        yield return ("edge", [.. SettingsReflection.Paths(typeof(EdgeOptions), EdgeOptions.Section)]);
        yield return ("cloud", [.. SettingsCatalog.Settings()]);
    }

    private static string Replace(string text, string name, string table)
    {
        var begin = $"<!-- settings:{name} -->\n";
        const string end = "<!-- /settings -->";
        var a = text.IndexOf(begin, StringComparison.Ordinal);
        Assert.True(a >= 0, $"docs/configuration.md has no '{begin.Trim()}' marker");
        var b = text.IndexOf(end, a, StringComparison.Ordinal);
        Assert.True(b >= 0, $"docs/configuration.md has no '{end}' after '{begin.Trim()}'");
        return string.Concat(text.AsSpan(0, a + begin.Length), table, text.AsSpan(b));
    }

    private static string Table(IReadOnlyList<SettingPath> settings)
    {
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in new[] { "Mtc.Edge.xml", "Mtc.Cloud.xml" })
        {
            foreach (var member in XDocument.Load(Path.Combine(AppContext.BaseDirectory, file)).Descendants("member"))
            {
                if (member.Element("summary") is { } summary)
                {
                    docs[(string)member.Attribute("name")!] = Markdown(summary);
                }
            }
        }
        var sb = new StringBuilder("| setting | type | default | meaning |\n|---|---|---|---|\n");
        foreach (var s in settings)
        {
            var key = $"P:{s.Property.DeclaringType!.FullName}.{s.Property.Name}";
            var meaning = docs.GetValueOrDefault(key) ?? "";
            sb.Append(CultureInfo.InvariantCulture, $"| `{s.Key}` | {TypeName(s.Type)} | {(s.Default is { Length: > 0 } d ? $"`{d}`" : "")} | {meaning} |\n");
        }
        return sb.ToString();
    }

    private static string TypeName(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(bool) ? "true/false"
            : t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) ? "integer"
            : t == typeof(double) || t == typeof(float) || t == typeof(decimal) ? "number"
            : t == typeof(TimeSpan) ? "time span (`hh:mm:ss`)"
            : t.IsEnum ? string.Join(" \\| ", Enum.GetNames(t).Select(n => $"`{n}`"))
            : "text";
    }

    /// <summary>A summary as one Markdown line: <c>code</c> as backticks, crefs by their last name, no table breaks.</summary>
    private static string Markdown(XElement summary)
    {
        var sb = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            sb.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
                XElement e when e.Attribute("cref") is { } cref => $"`{cref.Value.Split('.', ':').Last()}`",
                XElement e when e.Attribute("name") is { } n => $"`{n.Value}`",
                XElement e => e.Value,
                _ => "",
            });
        }
        return Spaces().Replace(sb.ToString(), " ").Trim().Replace("|", "\\|", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
