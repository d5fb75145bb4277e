/**
 * Shell completion scripts for bash, zsh and fish, written from the commander tree (every command defined):
 * the tables of commands, options and values come from the definitions, so a new flag is completed without an
 * edit here. Group names are read when completing, from the store, by `customers __complete groups`.
 */
import type { Command, Option } from 'commander';
import { CUSTOMER_FIELDS, SORT_SQL } from '../core/fields.js';
import { DELIMITERS, ENCODINGS } from '../core/csv/text.js';
import { everyCommand } from './help.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a value completes with: these words, the store's group names, or file names. No entry: anything. */
type Values = readonly string[] | '@groups' | '@files';

/** One command of the tree, by its path ("customers groups rename"). */
interface Node {
  path: string;
  commands: { name: string; description: string }[];
  options: { name: string; description: string }[];
  /** The options that take a value, each with what its value completes with ('' when anything). */
  values: Map<string, Values | ''>;
  /** What the command's arguments complete with. */
  argument: Values | '';
}

/** Commands whose arguments are group names. */
const GROUP_ARGUMENTS = new Set(['customers groups rename', 'customers groups delete']);

function optionValues(cmd: Command, option: Option): Values | '' {
  if (option.argChoices) return option.argChoices;
  const has = (long: string) => cmd.options.some((o) => o.long === long);
  switch (option.long) {
    case '--sort':
      return [...SORT_SQL.keys()].flatMap((f) => [f, `${f}:desc`]);
    case '--fields': // the customer fields where the listing is of customers (it sorts by them), and export's
      return has('--sort') || (cmd.name() === 'export' && cmd.parent?.parent === null) ? CUSTOMER_FIELDS.map((f) => f.name) : '';
    case '--columns':
      return CUSTOMER_FIELDS.map((f) => f.name);
    case '--group':
      return '@groups';
    case '--encoding':
      return ENCODINGS;
    case '--delimiter':
      return [...(option.defaultValue === 'auto' ? ['auto'] : []), ...Object.keys(DELIMITERS).filter((d) => /^[\x21-\x7e]+$/.test(d))];
  }
  return /<(file|path|dir)[^>]*>/.test(option.flags) ? '@files' : '';
}

function argumentValues(cmd: Command, path: string): Values | '' {
  const first = cmd.registeredArguments[0];
  if (!first) return '';
  if (first.argChoices) return first.argChoices;
  if (GROUP_ARGUMENTS.has(path)) return '@groups';
  return /file/.test(first.name()) ? '@files' : '';
}

/** Every command of the tree, the program first; hidden commands and options left out. */
export function completionTree(program: Command): Node[] {
  return everyCommand(program).map(({ path, command }) => {
    const help = command.createHelp();
    // `help` is offered as a command of the program only.
    const subs = help.visibleCommands(command).filter((c) => c.name() !== 'help' || command === program);
    const node: Node = { path, commands: [], options: [], values: new Map(), argument: argumentValues(command, path) };
    for (const sub of subs) for (const name of [sub.name(), ...sub.aliases()]) node.commands.push({ name, description: sub.summary() || sub.description() });
    for (const option of help.visibleOptions(command)) {
      for (const name of [option.long, option.short].filter((n): n is string => Boolean(n))) {
        node.options.push({ name, description: option.description });
        if (option.required || option.optional) node.values.set(name, optionValues(command, option));
      }
    }
    return node;
  });
}

/** A word in single quotes, for bash, zsh and fish alike (fish: no \ or ' inside). */
function quote(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const shq = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** The four tables every script consults, as key/value pairs: commands, options, valued options, values. */
function tables(nodes: Node[]): Record<'commands' | 'options' | 'valued' | 'values', [string, string][]> {
  const words = (values: Values) => (typeof values === 'string' ? values : values.join(' '));
  return {
    commands: nodes.filter((n) => n.commands.length).map((n) => [n.path, n.commands.map((c) => c.name).join(' ')]),
    // A command's own options; the program's (--db, --help, ...) are offered with them by the scripts.
    options: nodes.map((n) => [n.path, n.options.filter((o) => n === nodes[0] || !nodes[0].options.some((r) => r.name === o.name)).map((o) => o.name).join(' ')]),
    valued: nodes.map((n) => [n.path, [...n.values.keys()].join(' ')]),
    values: nodes.flatMap((n) => [
      ...[...n.values].filter(([, v]) => v !== '').map(([name, v]): [string, string] => [`${n.path}|${name}`, words(v as Values)]),
      ...(n.argument === '' ? [] : [[`${n.path}|`, words(n.argument)] as [string, string]]),
    ]),
  };
}

export function completionScript(shell: Shell, program: Command): string {
  const nodes = completionTree(program);
  if (shell === 'bash') return bashScript(nodes);
  if (shell === 'zsh') return zshScript(nodes);
  return fishScript(nodes);
}

function assocTables(nodes: Node[], declare: string): string {
  return Object.entries(tables(nodes))
    .map(([name, pairs]) => `${declare} _customers_${name}=(\n${pairs.map(([k, v]) => `  [${shq(k)}]=${shq(v)}`).join('\n')}\n)`)
    .join('\n');
}

/**
 * The walk every script does: the words before the cursor give the command's path (an option that takes a value
 * skips it; --db's is kept for `__complete groups`); then the word before the cursor, or the cursor's, says what
 * to offer.
 */
function bashScript(nodes: Node[]): string {
  return `# bash completion for customers (customers completion bash)
${assocTables(nodes, 'declare -gA')}

_customers() {
  local cur prev words cword
  if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
    _get_comp_words_by_ref -n : cur prev words cword
  else
    words=("\${COMP_WORDS[@]}"); cword=$COMP_CWORD; cur=\${COMP_WORDS[COMP_CWORD]}; prev=\${COMP_WORDS[COMP_CWORD-1]}
  fi
  local path=customers i w source
  local -a db=()
  for ((i = 1; i < cword; i++)); do
    w=\${words[i]}
    if [[ $w == -* ]]; then
      if [[ " \${_customers_valued[$path]-} \${_customers_valued[customers]-} " == *" $w "* ]]; then
        [[ $w == --db ]] && db=(--db "\${words[i+1]}")
        ((i++))
      fi
    elif [[ " \${_customers_commands[$path]-} " == *" $w "* ]]; then
      path="$path $w"
    fi
  done
  if ((cword > 1)) && [[ " \${_customers_valued[$path]-} \${_customers_valued[customers]-} " == *" $prev "* ]]; then
    source=\${_customers_values["$path|$prev"]-\${_customers_values["customers|$prev"]-}}
  elif [[ $cur == -* ]]; then
    source="\${_customers_options[$path]-} \${_customers_options[customers]-}"
  elif [[ -n \${_customers_commands[$path]-} ]]; then
    source=\${_customers_commands[$path]-}
  else
    source=\${_customers_values["$path|"]-}
  fi
  case $source in
    @groups)
      # Not compgen -W: it expands the words, and a group name such as $(...) would run.
      local group; COMPREPLY=()
      while IFS= read -r group; do
        [[ $group == "$cur"* ]] && printf -v 'COMPREPLY[\${#COMPREPLY[@]}]' '%q' "$group"
      done < <("\${words[0]}" "\${db[@]}" __complete groups 2>/dev/null) ;;
    @files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$source" -- "$cur")) ;;
  esac
  if declare -F __ltrim_colon_completions >/dev/null 2>&1; then __ltrim_colon_completions "$cur"; fi
}
complete -F _customers customers
`;
}

function zshScript(nodes: Node[]): string {
  return `#compdef customers
# zsh completion for customers (customers completion zsh)
${assocTables(nodes, 'typeset -gA')}

_customers() {
  local path_=customers w source prev=\${words[CURRENT-1]} cur=\${words[CURRENT]}
  local -a db
  local -i i
  for (( i = 2; i < CURRENT; i++ )); do
    w=\${words[i]}
    if [[ $w == -* ]]; then
      if [[ " \${_customers_valued[$path_]} \${_customers_valued[customers]} " == *" $w "* ]]; then
        [[ $w == --db ]] && db=(--db "\${words[i+1]}")
        (( i++ ))
      fi
    elif [[ " \${_customers_commands[$path_]} " == *" $w "* ]]; then
      path_="$path_ $w"
    fi
  done
  if (( CURRENT > 2 )) && [[ " \${_customers_valued[$path_]} \${_customers_valued[customers]} " == *" $prev "* ]]; then
    source=\${_customers_values[$path_|$prev]-\${_customers_values[customers|$prev]}}
  elif [[ $cur == -* ]]; then
    source="\${_customers_options[$path_]} \${_customers_options[customers]}"
  elif [[ -n \${_customers_commands[$path_]} ]]; then
    source=\${_customers_commands[$path_]}
  else
    source=\${_customers_values[$path_|]}
  fi
  case $source in
    @groups) compadd -- \${(f)"$(\${words[1]} $db __complete groups 2>/dev/null)"} ;;
    @files) _files ;;
    *) compadd -- \${=source} ;;
  esac
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _customers "$@"
else
  compdef _customers customers
fi
`;
}

/** fish's walk: the same as bash's and zsh's, over the tables __customers_table gives. */
const FISH_COMPLETE = `function __customers_complete
  set -l tokens (commandline -opc)
  set -l cur (commandline -ct)
  set -l path customers
  set -l db
  set -l skip 0
  for i in (seq 2 (count $tokens))
    set -l w $tokens[$i]
    if test $skip = 1
      set skip 0
    else if string match -q -- '-*' $w
      if contains -- $w (__customers_table valued $path) (__customers_table valued customers)
        set skip 1
        test $w = --db; and set db --db $tokens[(math $i + 1)]
      end
    else if contains -- $w (__customers_table commands $path | string replace -r '\\t.*' '')
      set path "$path $w"
    end
  end
  set -l source
  set -l commands (__customers_table commands $path)
  set -l prev $tokens[-1]
  if test (count $tokens) -gt 1; and contains -- $prev (__customers_table valued $path) (__customers_table valued customers)
    set source (__customers_table values "$path|$prev")
    test -z "$source"; and set source (__customers_table values "customers|$prev")
  else if string match -q -- '-*' $cur
    set source (__customers_table options $path) (__customers_table options customers)
  else if test (count $commands) -gt 0
    set source $commands
  else
    set source (__customers_table values "$path|")
  end
  switch "$source"
  case '@groups'
    $tokens[1] $db __complete groups 2>/dev/null
  case '@files'
    __fish_complete_path $cur
  case '*'
    printf '%s\\n' $source
  end
end

`;

/** fish: one function gives every candidate (with its description), from the same walk over the same tables. */
function fishScript(nodes: Node[]): string {
  const { valued, values } = tables(nodes);
  const cases = (pairs: [string, string][], body: (v: string) => string) =>
    pairs.map(([k, v]) => `    case ${quote(k)}\n      ${body(v)}`).join('\n');
  const described = (items: { name: string; description: string }[]) =>
    `printf '%s\\n' ${items.map((i) => quote(`${i.name}\t${i.description.replace(/\s+/g, ' ')}`)).join(' ')}`;
  return `# fish completion for customers (customers completion fish)
function __customers_table --argument-names table key
  switch $table
  case commands
    switch $key
${cases(nodes.filter((n) => n.commands.length).map((n) => [n.path, n.path]), (p) => described(nodes.find((n) => n.path === p)!.commands))}
    end
  case options
    switch $key
${cases(nodes.map((n) => [n.path, n.path]), (p) => described(nodes.find((n) => n.path === p)!.options))}
    end
  case valued
    switch $key
${cases(valued, (v) => `printf '%s\\n' ${v.split(' ').filter(Boolean).map(quote).join(' ')}`)}
    end
  case values
    switch $key
${cases(values, (v) => `printf '%s\\n' ${v.split(' ').map(quote).join(' ')}`)}
    end
  end
end

${FISH_COMPLETE}complete -c customers -f -a '(__customers_complete)'
`;
}
