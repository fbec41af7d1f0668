using System.Xml;
using Mtc.Core.Model;

namespace Mtc.Core.Xml;

/// <summary>
/// The reader's namespace scopes, which answer for a prefix that no <c>xmlns:prefix</c> declares (agents write
/// <c>&lt;x:Motion&gt;</c> for a vendor type without declaring <c>x</c>) instead of letting the XML reader refuse
/// the whole document: such a prefix reads in the namespace <c>urn:mtc:undeclared-prefix:PREFIX</c>, the element
/// keeps its local name, and the bent rule is recorded. Declared prefixes resolve as usual, so namespace matching
/// is unchanged; DTDs, entities and the size and depth limits are the reader settings', untouched.
/// </summary>
internal sealed class UndeclaredPrefixNamespaces(XmlNameTable names, BentRules bent) : XmlNamespaceManager(names)
{
    private readonly Dictionary<string, string> _bentNamespaces = new(StringComparer.Ordinal);

    public override string? LookupNamespace(string prefix)
    {
        string? declared = base.LookupNamespace(prefix);
        if (declared is not null || prefix.Length == 0)
        {
            return declared;
        }

        if (!_bentNamespaces.TryGetValue(prefix, out string? ns))
        {
            bent.Add(
                BentRule.UndeclaredPrefix,
                prefix,
                $"the prefix '{prefix}' is used without an xmlns:{prefix} declaration; its elements and attributes are read by their local names");
            ns = NameTable!.Add(BentRule.UndeclaredNamespacePrefix + prefix);
            _bentNamespaces.Add(prefix, ns);
        }

        return ns;
    }
}
