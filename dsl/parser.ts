// The grammar of the rules language, as a Chevrotain CstParser: tokens in, a concrete syntax tree out.
// Grammar only: no semantics here (cst-to-ast.ts builds the AST). Error recovery is on, so one run
// reports every syntax error of a file and still yields a tree for the rest of it.
import { CstParser, type CstNode, type IRecognitionException, type IToken } from 'chevrotain';
import * as T from './tokens.ts';

const { Kw } = T;

class RulesParser extends CstParser {
  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, nodeLocationTracking: 'onlyOffset', maxLookahead: 4 });
    this.performSelfAnalysis();
  }

  /** Called with each top-level item as soon as it is parsed (see parseTokens). */
  onItem: ((item: CstNode) => void) | undefined;

  // file: item*
  // Each item is handed to `onItem` as soon as it is parsed, so the caller can turn it into AST
  // and let its CST go: a 16 MB ruleset never holds the whole file's CST in memory.
  public file = this.RULE('file', () => {
    this.MANY(() => {
      const item = this.SUBRULE(this.item);
      this.ACTION(() => this.onItem?.(item));
    });
  });

  // item: rulesetDecl | versionDecl | extendsDecl | codesDecl | ruleDecl | blockDecl | disableDecl | notCheckedDecl
  private item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.rulesetDecl) },
      { ALT: () => this.SUBRULE(this.versionDecl) },
      { ALT: () => this.SUBRULE(this.extendsDecl) },
      { ALT: () => this.SUBRULE(this.codesDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.disableDecl) },
      { ALT: () => this.SUBRULE(this.notCheckedDecl) },
    ]);
  });

  // rulesetDecl: "ruleset" Identifier StringLit?
  private rulesetDecl = this.RULE('rulesetDecl', () => {
    this.CONSUME(Kw.ruleset);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLit));
  });

  // versionDecl: "version" (NumberLit | CodeWord | Identifier) "effective" DateLit ("through" DateLit)?
  private versionDecl = this.RULE('versionDecl', () => {
    this.CONSUME(Kw.version);
    this.OR([{ ALT: () => this.CONSUME(T.NumberLit) }, { ALT: () => this.CONSUME(T.CodeWord) }, { ALT: () => this.CONSUME(T.Identifier) }]);
    this.SUBRULE(this.window);
  });

  // window: "effective" DateLit ("through" DateLit)?
  private window = this.RULE('window', () => {
    this.CONSUME(Kw.effective);
    this.CONSUME(T.DateLit);
    this.OPTION(() => {
      this.CONSUME(Kw.through);
      this.CONSUME2(T.DateLit);
    });
  });

  // extendsDecl: "extends" Identifier
  private extendsDecl = this.RULE('extendsDecl', () => {
    this.CONSUME(Kw.extends);
    this.CONSUME(T.Identifier);
  });

  // disableDecl: "disable" ruleId ("," ruleId)*
  private disableDecl = this.RULE('disableDecl', () => {
    this.CONSUME(Kw.disable);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.ruleId) });
  });

  // notCheckedDecl: "override"? "not" "checked" ruleId StringLit ("cite" StringLit)?
  // What the payer's policy asks for and this ruleset leaves out: reports say it was not checked.
  private notCheckedDecl = this.RULE('notCheckedDecl', () => {
    this.OPTION(() => this.CONSUME(Kw.override));
    this.CONSUME(Kw.not);
    this.CONSUME(Kw.checked);
    this.SUBRULE(this.ruleId);
    this.CONSUME(T.StringLit);
    this.OPTION2(() => {
      this.CONSUME(Kw.cite);
      this.CONSUME2(T.StringLit);
    });
  });

  // ruleId: RuleId | CodeWord      (MOD-DISCIPLINE, or a single word such as NCCI)
  private ruleId = this.RULE('ruleId', () => {
    this.OR([{ ALT: () => this.CONSUME(T.RuleId) }, { ALT: () => this.CONSUME(T.CodeWord) }]);
  });

  // codesDecl: "override"? ("codes" | "diagnoses") Identifier "=" elements
  private codesDecl = this.RULE('codesDecl', () => {
    this.OPTION(() => this.CONSUME(Kw.override));
    this.OR([{ ALT: () => this.CONSUME(Kw.codes) }, { ALT: () => this.CONSUME(Kw.diagnoses) }]);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.elements);
  });

  // elements: element ("," element)*
  private elements = this.RULE('elements', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.element) });
  });

  // element: code (".." code)? | DiagnosisPattern | Identifier
  private element = this.RULE('element', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.DiagnosisPattern) },
      {
        ALT: () => {
          this.SUBRULE(this.code);
          this.OPTION(() => {
            this.CONSUME(T.DotDot);
            this.SUBRULE2(this.code);
          });
        },
      },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]);
  });

  // code: NumberLit | DigitCode | CodeWord
  private code = this.RULE('code', () => {
    this.OR([{ ALT: () => this.CONSUME(T.NumberLit) }, { ALT: () => this.CONSUME(T.DigitCode) }, { ALT: () => this.CONSUME(T.CodeWord) }]);
  });

  // values: value ("," value)*      value: code | StringLit
  private values = this.RULE('values', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.value) });
  });

  private value = this.RULE('value', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.code) }, { ALT: () => this.CONSUME(T.StringLit) }]);
  });

  // blockDecl: ("units" | "modifiers" | "prior-auth" | "telehealth" | "validity") "{" statement* "}"
  private blockDecl = this.RULE('blockDecl', () => {
    this.OR([
      { ALT: () => this.CONSUME(Kw.validity) },
      { ALT: () => this.CONSUME(Kw.units) },
      { ALT: () => this.CONSUME(Kw.modifiers) },
      { ALT: () => this.CONSUME(Kw.priorAuth) },
      { ALT: () => this.CONSUME(Kw.telehealth) },
    ]);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RBrace);
  });

  // statement: "override"? (ruleId ":")? body (suffix | "when" expr)*
  //   (`when` narrows a statement to the claims or lines its condition holds for)
  private statement = this.RULE('statement', () => {
    this.OPTION(() => this.CONSUME(Kw.override));
    this.OPTION2(() => {
      this.SUBRULE(this.ruleId);
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.body);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.suffix) },
        {
          ALT: () => {
            this.CONSUME(Kw.when);
            this.SUBRULE(this.expr);
          },
        },
      ]),
    );
  });

  // suffix: severity | window | "cite" StringLit | "fix" StringLit
  private suffix = this.RULE('suffix', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.severity) },
      { ALT: () => this.SUBRULE(this.window) },
      {
        ALT: () => {
          this.CONSUME(Kw.cite);
          this.CONSUME(T.StringLit);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.fix);
          this.CONSUME2(T.StringLit);
        },
      },
    ]);
  });

  // severity: "error" | "warning" | "info"
  private severity = this.RULE('severity', () => {
    this.OR([{ ALT: () => this.CONSUME(Kw.error) }, { ALT: () => this.CONSUME(Kw.warning) }, { ALT: () => this.CONSUME(Kw.info) }]);
  });

  // body: one statement form of a domain block (which block may hold which is the checker's job)
  private body = this.RULE('body', () => {
    this.OR([
      // method total-time
      {
        ALT: () => {
          this.CONSUME(Kw.method);
          this.CONSUME(T.Identifier);
        },
      },
      // timed codes elements | untimed codes elements
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(Kw.timed) }, { ALT: () => this.CONSUME(Kw.untimed) }]);
          this.CONSUME(Kw.codes);
          this.SUBRULE(this.elements);
        },
      },
      // 15 minutes per unit
      {
        ALT: () => {
          this.CONSUME(T.NumberLit);
          this.CONSUME(Kw.minutes);
          this.CONSUME(Kw.per);
          this.CONSUME(Kw.unit);
        },
      },
      // minimum 8 minutes
      {
        ALT: () => {
          this.CONSUME(Kw.minimum);
          this.CONSUME2(T.NumberLit);
          this.CONSUME2(Kw.minutes);
        },
      },
      { ALT: () => this.SUBRULE(this.requireBody) },
      { ALT: () => this.SUBRULE(this.ncciTable) },
      { ALT: () => this.SUBRULE(this.mueTable) },
      { ALT: () => this.SUBRULE(this.pairBody) },
      // procedure codes in table ID | diagnoses in table ID
      {
        ALT: () => {
          this.OR5([
            {
              ALT: () => {
                this.CONSUME(Kw.procedure);
                this.CONSUME2(Kw.codes);
              },
            },
            { ALT: () => this.CONSUME(Kw.diagnoses) },
          ]);
          this.CONSUME(Kw.in);
          this.SUBRULE(this.tableRef);
        },
      },
      // targeted review above $3,000 per year (priced by table ID)?
      {
        ALT: () => {
          this.CONSUME(Kw.targeted);
          this.CONSUME(Kw.review);
          this.CONSUME(Kw.above);
          this.CONSUME(T.MoneyLit);
          this.CONSUME3(Kw.per);
          this.CONSUME2(Kw.year);
          this.OPTION3(() => this.SUBRULE(this.pricedBy));
        },
      },
      // auth covers date of service | auth covers visits (for elements)? | auth max 12 visits within 6 months
      {
        ALT: () => {
          this.CONSUME(Kw.auth);
          this.OR3([
            {
              ALT: () => {
                this.CONSUME(Kw.covers);
                this.OR6([
                  {
                    ALT: () => {
                      this.CONSUME(Kw.date);
                      this.CONSUME(Kw.of);
                      this.CONSUME(Kw.service);
                    },
                  },
                  {
                    ALT: () => {
                      this.CONSUME3(Kw.visits);
                      this.OPTION4(() => {
                        this.CONSUME(Kw.for);
                        this.SUBRULE4(this.elements);
                      });
                    },
                  },
                ]);
              },
            },
            {
              ALT: () => {
                this.CONSUME(Kw.max);
                this.CONSUME3(T.NumberLit);
                this.CONSUME(Kw.visits);
                this.SUBRULE(this.within);
              },
            },
          ]);
        },
      },
      // limit 30 visits (for elements)? per calendar year
      {
        ALT: () => {
          this.CONSUME(Kw.limit);
          this.CONSUME4(T.NumberLit);
          this.CONSUME2(Kw.visits);
          this.OPTION5(() => {
            this.CONSUME2(Kw.for);
            this.SUBRULE5(this.elements);
          });
          this.CONSUME2(Kw.per);
          this.CONSUME(Kw.calendar);
          this.CONSUME(Kw.year);
        },
      },
      // places 02, 10
      {
        ALT: () => {
          this.CONSUME(Kw.places);
          this.SUBRULE2(this.elements);
        },
      },
      // eligible elements
      {
        ALT: () => {
          this.CONSUME(Kw.eligible);
          this.SUBRULE3(this.elements);
        },
      },
      // covered D through D, D through D
      {
        ALT: () => {
          this.CONSUME(Kw.covered);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.span) });
        },
      },
    ]);
  });

  // tableRef: "table" Identifier
  private tableRef = this.RULE('tableRef', () => {
    this.CONSUME(Kw.table);
    this.CONSUME(T.Identifier);
  });

  // pricedBy: "priced" "by" tableRef
  private pricedBy = this.RULE('pricedBy', () => {
    this.CONSUME(Kw.priced);
    this.CONSUME(Kw.by);
    this.SUBRULE(this.tableRef);
  });

  // pairBody: "pair" code "first" N "minutes" ("minimum" N "minutes")? "then" code "each" N "minutes"
  private pairBody = this.RULE('pairBody', () => {
    this.CONSUME(Kw.pair);
    this.SUBRULE(this.code);
    this.CONSUME(Kw.first);
    this.CONSUME(T.NumberLit);
    this.CONSUME(Kw.minutes);
    this.OPTION(() => {
      this.CONSUME(Kw.minimum);
      this.CONSUME2(T.NumberLit);
      this.CONSUME2(Kw.minutes);
    });
    this.CONSUME(Kw.then);
    this.SUBRULE2(this.code);
    this.CONSUME(Kw.each);
    this.CONSUME3(T.NumberLit);
    this.CONSUME3(Kw.minutes);
  });

  // span: DateLit "through" DateLit
  private span = this.RULE('span', () => {
    this.CONSUME(T.DateLit);
    this.CONSUME(Kw.through);
    this.CONSUME2(T.DateLit);
  });

  // within: "within" NumberLit durationUnit
  private within = this.RULE('within', () => {
    this.CONSUME(Kw.within);
    this.CONSUME(T.NumberLit);
    this.SUBRULE(this.durationUnit);
  });

  private durationUnit = this.RULE('durationUnit', () => {
    this.OR([
      { ALT: () => this.CONSUME(Kw.days) },
      { ALT: () => this.CONSUME(Kw.weeks) },
      { ALT: () => this.CONSUME(Kw.months) },
      { ALT: () => this.CONSUME(Kw.years) },
    ]);
  });

  // requireBody: "require" ( "auth" "for" elements ("except" elements)? ("after" N "visits" ("per" "calendar" "year" | within))?
  //                        | modSpec ("on" elements | "above" MoneyLit "per" "year"
  //                                   | "with" value "when" "assistant" "minutes" "above" PercentLit)? )
  private requireBody = this.RULE('requireBody', () => {
    this.CONSUME(Kw.require);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.auth);
          this.CONSUME(Kw.for);
          this.SUBRULE(this.elements);
          this.OPTION(() => {
            this.CONSUME(Kw.except);
            this.SUBRULE2(this.elements);
          });
          this.OPTION2(() => {
            this.CONSUME(Kw.after);
            this.CONSUME(T.NumberLit);
            this.CONSUME(Kw.visits);
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(Kw.per);
                  this.CONSUME(Kw.calendar);
                  this.CONSUME(Kw.year);
                },
              },
              { ALT: () => this.SUBRULE(this.within) },
            ]);
          });
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.modSpec);
          this.OPTION3(() => {
            this.OR3([
              {
                ALT: () => {
                  this.CONSUME(Kw.on);
                  this.SUBRULE3(this.elements);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Kw.above);
                  this.CONSUME(T.MoneyLit);
                  this.CONSUME2(Kw.per);
                  this.CONSUME2(Kw.year);
                  this.OPTION4(() => this.SUBRULE(this.pricedBy));
                },
              },
              {
                ALT: () => {
                  this.CONSUME(Kw.with);
                  this.SUBRULE(this.value);
                  this.CONSUME(Kw.when);
                  this.CONSUME(Kw.assistant);
                  this.CONSUME(Kw.minutes);
                  this.CONSUME2(Kw.above);
                  this.CONSUME(T.PercentLit);
                },
              },
            ]);
          });
        },
      },
    ]);
  });

  // modSpec: "one" "of" values | value
  private modSpec = this.RULE('modSpec', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.one);
          this.CONSUME(Kw.of);
          this.SUBRULE(this.values);
        },
      },
      { ALT: () => this.SUBRULE(this.value) },
    ]);
  });

  // ncciTable: "ncci" ("{" ncciRow* "}" | tableRef ncciBypass*)
  private ncciTable = this.RULE('ncciTable', () => {
    this.CONSUME(Kw.ncci);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.MANY(() => this.SUBRULE(this.ncciRow));
          this.CONSUME(T.RBrace);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.tableRef);
          this.MANY2(() => this.SUBRULE(this.ncciBypass));
        },
      },
    ]);
  });

  // ncciBypass: "bypass" values ("on" elements)?     (the modifiers that bypass an indicator-1 edit)
  private ncciBypass = this.RULE('ncciBypass', () => {
    this.CONSUME(Kw.bypass);
    this.SUBRULE(this.values);
    this.OPTION(() => {
      this.CONSUME(Kw.on);
      this.SUBRULE(this.elements);
    });
  });

  // ncciRow: elements "/" elements ("bypass" values | "never" "bypass") ("from" DateLit)? ("deleted" DateLit)?
  private ncciRow = this.RULE('ncciRow', () => {
    this.SUBRULE(this.elements);
    this.CONSUME(T.Slash);
    this.SUBRULE2(this.elements);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.bypass);
          this.SUBRULE(this.values);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.never);
          this.CONSUME2(Kw.bypass);
        },
      },
    ]);
    this.OPTION(() => {
      this.CONSUME(Kw.from);
      this.CONSUME(T.DateLit);
    });
    this.OPTION2(() => {
      this.CONSUME(Kw.deleted);
      this.CONSUME2(T.DateLit);
    });
  });

  // mueTable: "mue" "{" mueRow* "}"     mueRow: elements "max" NumberLit "per" ("day" | "line")
  private mueTable = this.RULE('mueTable', () => {
    this.CONSUME(Kw.mue);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.MANY(() => this.SUBRULE(this.mueRow));
          this.CONSUME(T.RBrace);
        },
      },
      { ALT: () => this.SUBRULE(this.tableRef) },
    ]);
  });

  private mueRow = this.RULE('mueRow', () => {
    this.SUBRULE(this.elements);
    this.CONSUME(Kw.max);
    this.CONSUME(T.NumberLit);
    this.CONSUME(Kw.per);
    this.OR([{ ALT: () => this.CONSUME(Kw.day) }, { ALT: () => this.CONSUME(Kw.line) }]);
  });

  // ruleDecl: "override"? "rule" ruleId StringLit severity? "{" clause* "}"
  private ruleDecl = this.RULE('ruleDecl', () => {
    this.OPTION(() => this.CONSUME(Kw.override));
    this.CONSUME(Kw.rule);
    this.SUBRULE(this.ruleId);
    this.CONSUME(T.StringLit);
    this.OPTION2(() => this.SUBRULE(this.severity));
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.clause));
    this.CONSUME(T.RBrace);
  });

  // clause: "when" expr | "kind" Identifier | suffix
  private clause = this.RULE('clause', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.when);
          this.SUBRULE(this.expr);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.kind);
          this.CONSUME(T.Identifier);
        },
      },
      { ALT: () => this.SUBRULE(this.suffix) },
    ]);
  });

  // expr: andExpr ("or" andExpr)*
  private expr = this.RULE('expr', () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(Kw.or);
      this.SUBRULE2(this.andExpr);
    });
  });

  // andExpr: notExpr ("and" notExpr)*
  private andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(Kw.and);
      this.SUBRULE2(this.notExpr);
    });
  });

  // notExpr: "not" notExpr | comparison
  private notExpr = this.RULE('notExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  // comparison: additive (compareOp additive | "not"? "in" setTarget | ("has" | "lacks") hasArgs | "is" ("missing" | "present"))?
  private comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.SUBRULE(this.compareOp);
            this.SUBRULE2(this.additive);
          },
        },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(Kw.not));
            this.CONSUME(Kw.in);
            this.SUBRULE(this.setTarget);
          },
        },
        {
          ALT: () => {
            this.OR2([{ ALT: () => this.CONSUME(Kw.has) }, { ALT: () => this.CONSUME(Kw.lacks) }]);
            this.OPTION3(() => {
              this.OR3([{ ALT: () => this.CONSUME(Kw.any) }, { ALT: () => this.CONSUME(Kw.all) }, { ALT: () => this.CONSUME(Kw.none) }]);
              this.CONSUME(Kw.of);
            });
            this.OR5([{ ALT: () => this.SUBRULE(this.values) }, { ALT: () => this.SUBRULE2(this.setTarget) }]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.is);
            this.OR4([{ ALT: () => this.CONSUME(Kw.missing) }, { ALT: () => this.CONSUME(Kw.present) }]);
          },
        },
      ]);
    });
  });

  private compareOp = this.RULE('compareOp', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Equals) },
      { ALT: () => this.CONSUME(T.NotEquals) },
      { ALT: () => this.CONSUME(T.LessEq) },
      { ALT: () => this.CONSUME(T.GreaterEq) },
      { ALT: () => this.CONSUME(T.Less) },
      { ALT: () => this.CONSUME(T.Greater) },
    ]);
  });

  // setTarget: Identifier | "[" elements "]"
  private setTarget = this.RULE('setTarget', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.elements);
          this.CONSUME(T.RBracket);
        },
      },
    ]);
  });

  // additive: multiplicative (("+" | "-") multiplicative)*
  private additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  // multiplicative: primary (("*" | "/") primary)*
  private multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.primary);
    });
  });

  // primary: aggregate | NumberLit durationUnit? | literal | path | "(" expr ")"   (`true`, `false` are paths the AST reads as literals)
  private primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.aggregate) },
      {
        ALT: () => {
          this.CONSUME(T.NumberLit);
          this.OPTION(() => this.SUBRULE(this.durationUnit));
        },
      },
      { ALT: () => this.CONSUME(T.MoneyLit) },
      { ALT: () => this.CONSUME(T.PercentLit) },
      { ALT: () => this.CONSUME(T.DateLit) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.CodeWord) },
      { ALT: () => this.CONSUME(T.DigitCode) },
      { ALT: () => this.SUBRULE(this.path) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  // aggregate: ("count" | "sum" | "max" | "min") "(" path ("where" expr)? ")" ("per" "day")?   (`lines`, `visits` are paths here)
  private aggregate = this.RULE('aggregate', () => {
    this.OR([{ ALT: () => this.CONSUME(Kw.count) }, { ALT: () => this.CONSUME(Kw.sum) }, { ALT: () => this.CONSUME(Kw.max) }, { ALT: () => this.CONSUME(Kw.min) }]);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(Kw.where);
      this.SUBRULE(this.expr);
    });
    this.CONSUME(T.RParen);
    this.OPTION2(() => {
      this.CONSUME(Kw.per);
      this.CONSUME(Kw.day);
    });
  });

  // path: Identifier ("." (Identifier | CodeWord))*
  private path = this.RULE('path', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.OR([{ ALT: () => this.CONSUME2(T.Identifier) }, { ALT: () => this.CONSUME(T.CodeWord) }]);
    });
  });
}

/**
 * The one parser instance, reset per call through `input` (Chevrotain's recommended use). Built on
 * first use: the grammar analysis costs about half a second, which commands that never parse (eval
 * with compiled rulesets cached, help) should not pay.
 */
let instance: RulesParser | undefined;
function rulesParser(): RulesParser {
  return (instance ??= new RulesParser());
}

export interface ParseOutput {
  cst: CstNode;
  errors: IRecognitionException[];
}

/** Parses a token stream into a CST. Never throws on bad input; errors come back as data. */
export function parseTokens(tokens: IToken[], onItem?: (item: CstNode) => void): ParseOutput {
  const parser = rulesParser();
  parser.input = tokens;
  parser.onItem = onItem;
  try {
    const cst = parser.file();
    return { cst, errors: parser.errors };
  } finally {
    parser.onItem = undefined;
    // Let the token array go: the parser instance lives on.
    parser.input = [];
  }
}

/** The grammar's productions, for tools (completion, CST typings). */
export function grammarProductions() {
  return rulesParser().getGAstProductions();
}
