import 'reflect-metadata';
import { IsInt, IsString, Min, ValidateNested, getMetadataStorage, validateSync } from 'class-validator';
import { Type, plainToInstance } from 'class-transformer';
import './validation-rules-cache.js';

class Address {
  @IsString()
  city!: string;
}

class Person {
  @IsString()
  name!: string;

  @IsInt()
  @Min(0)
  age!: number;

  @ValidateNested()
  @Type(() => Address)
  address!: Address;
}

const errorsOf = (cls: new () => object, plain: object) =>
  validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true })
    .map((e) => [e.property, Object.keys(e.constraints ?? {}).sort(), (e.children ?? []).map((c) => c.property)])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));

describe('class-validator with its rules kept per class', () => {
  it('answers the same rules object for the same class and options, and a fresh one for other options', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Person, '', false, false);
    expect(storage.getTargetValidationMetadatas(Person, '', false, false)).toBe(first);
    expect(first.map((rule) => rule.propertyName).sort()).toEqual(['address', 'age', 'age', 'name']);
    expect(storage.getTargetValidationMetadatas(Person, '', false, false, ['admin'])).not.toBe(first);
  });

  it('validates as before, nested objects and unknown fields included, every time', () => {
    for (let round = 0; round < 3; round++) {
      expect(errorsOf(Person, { name: 'Ann', age: 3, address: { city: 'Oslo' } })).toEqual([]);
      expect(errorsOf(Person, { name: 7, age: -1, address: { city: 1 }, extra: true })).toEqual([
        ['address', [], ['city']],
        ['age', ['min'], []],
        ['extra', ['whitelistValidation'], []],
        ['name', ['isString'], []],
      ]);
    }
  });

  it('sees the rules of a class declared after a validation, inherited ones included', () => {
    expect(errorsOf(Person, { name: 'Ann', age: 3, address: { city: 'Oslo' } })).toEqual([]);

    class Patient extends Person {
      @IsString()
      insurer!: string;
    }

    expect(errorsOf(Patient, { name: 'Ann', age: -1, address: { city: 'Oslo' } })).toEqual([
      ['age', ['min'], []],
      ['insurer', ['isString'], []],
    ]);
    // The parent's rules did not change by a subclass being declared.
    expect(errorsOf(Person, { name: 'Ann', age: 3, address: { city: 'Oslo' }, insurer: 'x' })).toEqual([['insurer', ['whitelistValidation'], []]]);
  });

  it('forgets what it kept when a rule is added, to a parent class as well', () => {
    class Base {
      @IsString()
      id!: string;
    }
    class Derived extends Base {}
    expect(errorsOf(Derived, { id: 'a' })).toEqual([]);

    IsString()(Base.prototype, 'label');

    expect(errorsOf(Derived, { id: 'a' })).toEqual([['label', ['isString'], []]]);
  });
});
