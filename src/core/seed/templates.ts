/**
 * Faker's last names, street addresses, cities and company names, made from its templates
 * ("{{location.street_suffix}} {{person.last_name.generic}}") without faker.helpers.fake. fake parses the
 * template and looks every path up on each call: a street address took ~5 µs, most of the time a customer
 * took. Here each template is split once; a path naming a list of the locale's definitions picks from it,
 * a path naming one of the methods these templates use is done here, and any other is left to faker. The
 * choices are faker's (same lists, same weights), drawn from the seed's randomizer.
 */
import type { Faker } from '@faker-js/faker';
import type { SeedRandom } from './random.js';

type Make = () => string;
type Weighted = { value: string; weight: number };

export class FakerTemplates {
  private readonly compiled = new Map<string, Make>();
  private readonly defs: Faker['rawDefinitions'];
  private readonly lastNamePatterns: Weighted[] | undefined;
  private readonly lastNameWeights: number[];

  constructor(
    private readonly faker: Faker,
    private readonly random: SeedRandom,
  ) {
    this.defs = faker.rawDefinitions;
    this.lastNamePatterns = this.defs.person?.last_name_pattern?.generic as Weighted[] | undefined;
    this.lastNameWeights = (this.lastNamePatterns ?? []).map((p) => p.weight);
  }

  lastName(): string {
    const patterns = this.lastNamePatterns;
    if (!patterns) return this.faker.person.lastName();
    const pattern = patterns.length === 1 ? patterns[0] : patterns[this.random.weighted(this.lastNameWeights)];
    return this.expand(pattern.value);
  }

  streetAddress(): string {
    return this.expand(this.defs.location!.street_address!.normal);
  }

  city(): string {
    return this.expand(this.random.pick(this.defs.location!.city_pattern!));
  }

  companyName(): string {
    return this.expand(this.random.pick(this.defs.company!.name_pattern!));
  }

  private street(): string {
    return this.expand(this.random.pick(this.defs.location!.street_pattern!));
  }

  /** A building number: each run of # is a number without leading zeros ("12b" from "##b"), as faker makes them. */
  private buildingNumber(): string {
    return this.random.pick(this.defs.location!.building_number!).replace(/#+/g, (run) => {
      let digits = String(1 + this.random.below(9));
      for (let i = 1; i < run.length; i++) digits += this.random.below(10);
      return digits;
    });
  }

  /** The template with its {{paths}} filled in (and those of what they were filled with). */
  private expand(template: string): string {
    let make = this.compiled.get(template);
    if (!make) {
      make = this.compile(template);
      this.compiled.set(template, make);
    }
    return make();
  }

  private compile(template: string): Make {
    if (!template.includes('{{')) return () => template;
    // split with a capturing group: texts at even positions, paths at odd ones.
    const parts: Make[] = template.split(/\{\{\s*([\w.]+)\s*\}\}/).map((part, i) => (i % 2 === 1 ? this.resolve(part) : () => part));
    return () => {
      let out = '';
      for (const part of parts) out += part();
      return out;
    };
  }

  /** What a path stands for: a method these templates use, else (as in faker) a list of definitions. */
  private resolve(path: string): Make {
    switch (path) {
      case 'location.buildingNumber':
        return () => this.buildingNumber();
      case 'location.street':
        return () => this.street();
      case 'person.lastName':
        return () => this.lastName();
      case 'person.firstName':
        return () => this.faker.person.firstName();
    }
    const list = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], this.defs);
    if (Array.isArray(list) && list.length > 0 && list.every((item) => typeof item === 'string')) {
      return () => {
        const picked = list[this.random.below(list.length)] as string;
        return picked.includes('{{') ? this.expand(picked) : picked;
      };
    }
    return () => this.faker.helpers.fake(`{{${path}}}`);
  }
}
