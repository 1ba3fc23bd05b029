"""Tests of controlmap.extract: sentence rules, dates, counts, unknown names, tables.

Every sentence here was written for these tests (none is copied from seeds/): each
one exercises one rule of news prose (a trigger, a direction, a hedge, a list form,
a province-level statement, a negation or a non-event).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from controlmap.errors import InputError
from controlmap.events_table import events_frame, read_events
from controlmap.extract import (
    classify,
    extract_article,
    extract_events,
    load_rules,
    split_sentences,
)
from controlmap.gazetteer import Gazetteer, load_gazetteer
from controlmap.records import EVENT_COLUMNS, Article


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


F, CL, CO, G = "fallen", "claimed", "contested", "government"

CASES: list[tuple[str, set[tuple[str, str]]]] = [
    # --- fallen: active capture verbs, the attacker as subject
    ("Taliban fighters seized Kunduz on Sunday after days of fighting.", {("Kunduz", F)}),
    ("The insurgents captured Sheberghan, the capital of Jowzjan province, on Saturday.",
     {("Sheberghan", F)}),
    ("The Taliban took Taloqan without a fight.", {("Taloqan", F)}),
    ("Militants overran Zaranj, the capital of Nimroz province, on Friday.", {("Zaranj", F)}),
    ("Taliban fighters entered and took control of Sar-e Pul late on Sunday.",
     {("Sar-e Pul", F)}),
    ("The militants raised their flag over the governor's compound in Farah.", {("Farah", F)}),
    ("Insurgents have taken control of Pul-e Khumri, officials said.", {("Pul-e Khumri", F)}),
    ("The group seized control of the city of Faizabad on Wednesday.", {("Faizabad", F)}),
    ("Fighters hoisted the Taliban flag above the main square of Aybak.", {("Aybak", F)}),
    ("Taliban fighters conquered Qalat in a matter of hours.", {("Qalat", F)}),
    ("The Taliban now control Zaranj, according to local officials.", {("Zaranj", F)}),
    ("Taliban units swept into Khost before dawn.", {("Khost", F)}),
    # --- fallen: the place as subject, passive and intransitive
    ("Maimana fell to the Taliban on Monday.", {("Maymana", F)}),
    ("Kunduz has fallen, a provincial council member said.", {("Kunduz", F)}),
    ("Gardez was captured by the insurgents overnight.", {("Gardez", F)}),
    ("Tarinkot was handed over to the Taliban after elders negotiated a deal.",
     {("Tarinkot", F)}),
    ("The garrison in Asadabad surrendered to the Taliban on Tuesday.", {("Asadabad", F)}),
    ("Mehtarlam capitulated to the militants without a shot being fired.", {("Mehtarlam", F)}),
    ("Zaranj is now under Taliban control, local officials said.", {("Zaranj", F)}),
    ("Sheberghan fell into the hands of the insurgents on Friday.", {("Sheberghan", F)}),
    ("Nili was completely conquered by nightfall, police officials admitted.", {("Nili", F)}),
    # --- fallen: the defenders leave
    ("Government forces retreated from Bamyan on Saturday.", {("Bamyan", F)}),
    ("Afghan troops abandoned Qala-e-Naw before dawn.", {("Qala-e-Naw", F)}),
    ("Security forces withdrew from Sharana overnight, residents said.", {("Sharana", F)}),
    ("Soldiers in Charikar laid down their arms and left the city.", {("Charikar", F)}),
    ("Afghan soldiers fled Kunduz on Sunday.", {("Kunduz", F)}),
    ("Security forces pulled out of Kunduz on Sunday.", {("Kunduz", F)}),
    ("Government forces evacuated from Kunduz on Sunday, officials said.", {("Kunduz", F)}),
    ("Government forces retreated from Kunduz on Sunday.", {("Kunduz", F)}),
    ("Afghan troops abandoned Kunduz on Sunday.", {("Kunduz", F)}),
    ("Hundreds of soldiers fled Kunduz as the Taliban advanced.", {("Kunduz", F)}),
    ("Government troops fled the city of Taloqan overnight, residents said.", {("Taloqan", F)}),
    ("Afghan forces pulled back from Sheberghan after days of fighting.", {("Sheberghan", F)}),
    ("Government forces were forced to withdraw from Kunduz.", {("Kunduz", F)}),
    ("The Taliban pushed government forces out of Kunduz.", {("Kunduz", F)}),
    ("Insurgents drove Afghan troops from Taloqan on Sunday.", {("Taloqan", F)}),
    ("The Taliban were trying to force security forces out of Ghazni.", {("Ghazni", CO)}),
    ("In Kunduz, soldiers fled as the Taliban entered.", {("Kunduz", F)}),
    # --- leaving a facility is partial; the Taliban leaving is a government hold
    ("Police evacuated their headquarters in Gardez.", {("Gardez", CO)}),
    ("Afghan troops withdrew from the airport in Kandahar.", {("Kandahar", CO)}),
    ("The Taliban pulled out of Kunduz on Sunday.", {("Kunduz", G)}),
    ("Taliban fighters withdrew from Kunduz on Sunday.", {("Kunduz", G)}),
    ("Taliban fighters fled Kunduz after air strikes.", {("Kunduz", G)}),
    # --- leaving by civilians, foreigners or an unnamed side states no control
    ("Thousands of civilians fled Kunduz on Sunday.", set()),
    ("Families fled to Kunduz on Sunday.", set()),
    ("Residents are fleeing Kunduz as the Taliban close in.", set()),
    ("He fled Kunduz on Sunday.", set()),
    ("Many people fled from Kunduz on Sunday.", set()),
    ("In Kunduz, thousands of families fled their homes.", set()),
    ("The US pulled out of Kabul in August.", set()),
    ("US troops withdrew from Kandahar on Sunday.", set()),
    ("Aid workers pulled out of Herat last week.", set()),
    ("Foreign diplomats evacuated from Kabul on Sunday.", set()),
    # --- fallen: nouns of a fall
    ("The fall of Kunduz was a severe blow to the government.", {("Kunduz", F)}),
    ("Officials confirmed the capture of Gardez on Tuesday.", {("Gardez", F)}),
    ("Taloqan's fall leaves the northeast exposed.", {("Taloqan", F)}),
    ("The seizure of Khost by the insurgents stunned the capital.", {("Khost", F)}),
    # --- lists share their predicate
    ("The Taliban captured Kunduz, Sar-e Pul and Taloqan on Sunday.",
     {("Kunduz", F), ("Sar-e Pul", F), ("Taloqan", F)}),
    ("Zaranj and Sheberghan fell in quick succession.", {("Zaranj", F), ("Sheberghan", F)}),
    ("Militants seized Farah in the west and Pul-e Khumri in the north.",
     {("Farah", F), ("Pul-e Khumri", F)}),
    ("The capture of Aybak, Faizabad and Gardez marks a turning point.",
     {("Aybak", F), ("Faizabad", F), ("Gardez", F)}),
    ("The insurgents took the cities of Maimana and Gardez.", {("Maymana", F), ("Gardez", F)}),
    ("Fighters overran Qalat as well as Tarinkot this week.", {("Qalat", F), ("Tarinkot", F)}),
    ("The militants took Asadabad (east) and Nili (centre) within hours.",
     {("Asadabad", F), ("Nili", F)}),
    # --- province-level statements
    ("Nimroz province fell to the Taliban on Friday.", {("Nimruz", F)}),
    ("The Taliban have taken control of all of Badakhshan province.", {("Badakhshan", F)}),
    ("Panjshir province remains in government hands.", {("Panjshir", G)}),
    ("Fighting spread across Takhar province this week.", {("Takhar", CO)}),
    # --- appositives and "capital of" name the context, not the subject
    ("Lashkar Gah, the capital of Helmand province, fell on Friday.", {("Lashkar Gah", F)}),
    ("The Taliban captured Zaranj, capital of Nimroz, on Friday.", {("Zaranj", F)}),
    ("Taloqan, capital of the northeastern province of Takhar, was seized by the militants.",
     {("Taloqan", F)}),
    ("The militants seized a district centre in Helmand province.", set()),
    ("Insurgents captured the provincial capital of Ghazni.", {("Ghazni", F)}),
    # --- claimed: the Taliban are the only source, or the claim is unverified
    ("The Taliban claimed to have captured Maidan Shar.", {("Maidan Shahr", CL)}),
    ("A Taliban spokesman tweeted that Gardez had fallen.", {("Gardez", CL)}),
    ("Zabihullah Mujahid said the fighters had seized Sharana.", {("Sharana", CL)}),
    ("Insurgents say they have taken Asadabad, but the claim could not be independently "
     "verified.", {("Asadabad", CL)}),
    ("The militants took Qalat, according to the Taliban.", {("Qalat", CL)}),
    ("Kunduz was reportedly captured, though there was no official confirmation.",
     {("Kunduz", CL)}),
    ("The Taliban claimed control of Farah on Monday.", {("Farah", CL)}),
    ("Nili is completely conquered, a Taliban spokesman wrote on Twitter.", {("Nili", CL)}),
    # --- contested: siege, fighting, partial control, near falls
    ("The Taliban besieged Kunduz for weeks.", {("Kunduz", CO)}),
    ("Lashkar Gah is under siege.", {("Lashkar Gah", CO)}),
    ("Militants encircled Maimana on Saturday.", {("Maymana", CO)}),
    ("Fighting raged in Sheberghan overnight.", {("Sheberghan", CO)}),
    ("Heavy fighting continued in Taloqan and Pul-e Khumri.",
     {("Taloqan", CO), ("Pul-e Khumri", CO)}),
    ("Insurgents breached the defences of Herat on Thursday.", {("Herat", CO)}),
    ("The front line is now inside Kandahar.", {("Kandahar", CO)}),
    ("The Taliban control much of Ghazni city.", {("Ghazni", CO)}),
    ("Kunduz is on the verge of falling.", {("Kunduz", CO)}),
    ("The militants are closing in on Mazar-i-Sharif.", set()),  # movement: no event
    ("The insurgents have entered Pul-e Khumri.", {("Pul-e Khumri", CO)}),
    ("The Taliban attacked Farah from three directions.", {("Farah", CO)}),
    ("Taliban fighters were at the gates of Kunduz.", set()),  # movement: no event
    ("Part of Faizabad has fallen to the militants.", {("Faizabad", CO)}),
    ("Militants captured the prison in Sheberghan.", {("Sheberghan", CO)}),
    ("The prison in Sheberghan was captured on Sunday.", {("Sheberghan", CO)}),
    ("The airport in Kunduz fell to the Taliban on Sunday.", {("Kunduz", CO)}),
    ("Only the airport in Kunduz remains in government hands.", {("Kunduz", CO)}),
    ("The governor's compound in Farah fell on Monday.", {("Farah", F)}),
    ("Heavy clashes were reported on the outskirts of Taloqan.", {("Taloqan", CO)}),
    ("Aybak is surrounded on three sides by Taliban fighters.", {("Aybak", CO)}),
    ("The Taliban have laid siege to Kandahar.", {("Kandahar", CO)}),
    ("Taliban fighters tightened their grip around Herat on Sunday.", {("Herat", CO)}),
    ("Fierce fighting is under way for control of Lashkar Gah.", {("Lashkar Gah", CO)}),
    ("Government forces are battling the Taliban in Ghazni.", {("Ghazni", CO)}),
    ("Troops clashed with the Taliban in Kunduz on Sunday.", {("Kunduz", CO)}),
    # --- contested: conditions and near-term forecasts
    ("If Jalalabad falls, the road east will be cut.", {("Jalalabad", CO)}),
    ("Officials fear Gardez could fall within days.", {("Gardez", CO)}),
    ("Analysts say the Taliban may soon take Khost.", {("Khost", CO)}),
    # --- a forecast weeks or months ahead is no statement of control
    ("US intelligence says the Taliban could take Kabul within 90 days.", set()),
    ("Analysts warned Jalalabad could be isolated within a few weeks.", set()),
    # --- government: held or taken back
    ("Afghan forces retook Kunduz on Monday.", {("Kunduz", G)}),
    ("Government troops recaptured Gardez after a two-day battle.", {("Gardez", G)}),
    ("Commandos pushed the Taliban back from Lashkar Gah.", {("Lashkar Gah", G)}),
    ("The government still holds Jalalabad.", {("Jalalabad", G)}),
    ("Mazar-i-Sharif remains in government hands.", {("Mazar-i-Sharif", G)}),
    ("Security forces repelled a Taliban attack on Maimana overnight.", {("Maymana", G)}),
    ("Afghan forces are still in control of Faizabad, the governor said.", {("Faizabad", G)}),
    ("Kabul remains under government control.", {("Kabul", G)}),
    ("The Taliban lost Kunduz to a government counter-offensive.", {("Kunduz", G)}),
    ("Government forces captured Qalat from the insurgents.", {("Qalat", G)}),
    ("Afghan forces regained Kunduz.", {("Kunduz", G)}),
    ("The government said it had regained Kunduz.", {("Kunduz", G)}),
    ("Government forces defended Kunduz on Sunday.", {("Kunduz", G)}),
    ("Herat is back in government hands.", {("Herat", G)}),
    ("Kunduz returned to government control on Sunday.", {("Kunduz", G)}),
    # --- retaking gives the place to its subject, whichever side that is
    ("The Taliban retook Kunduz on Sunday.", {("Kunduz", F)}),
    ("Taliban fighters recaptured Kunduz two days after losing it.", {("Kunduz", F)}),
    ("The Taliban said they had recaptured Kunduz.", {("Kunduz", CL)}),
    ("Officials said they had retaken Kunduz.", {("Kunduz", G)}),
    # --- negations and denials cancel the statement
    ("Kunduz has not fallen, the interior ministry insisted.", set()),
    ("Officials denied that Gardez had fallen to the Taliban.", set()),
    ("The Taliban did not capture Maimana.", set()),
    ("The governor dismissed reports that Farah had been captured.", set()),
    ("The militants failed to take Sharana.", set()),
    # --- mentions that state no control
    ("Herat is 150 km from the Iranian border.", set()),
    ("Kandahar, the birthplace of the Taliban movement, is a city of 600,000.", set()),
    ("A Herat warlord pledged to fight on.", set()),
    ("Kabul handed a proposal to the Taliban negotiators.", set()),
    ("The government in Kabul announced new talks.", set()),
    ("The Taliban captured Kabul in 1996.", set()),
    ("The Taliban, who ruled from 1996 to 2001, captured Kunduz on Sunday.", {("Kunduz", F)}),
    # --- history with a month: a day of a month counts as recent only in a recent year
    ("The Taliban captured Taloqan on 12 August 1921, officials said.", set()),
    ("The Taliban first captured Mazar-i-Sharif in August 1998, killing thousands.", set()),
    ("In 1996 the Taliban captured Kabul.", set()),
    ("The Taliban briefly seized Kunduz on September 28, 2015, before being pushed out.",
     set()),
    ("Herat fell to the Taliban on 5 September 1995.", set()),
    ("The Taliban overran Bamyan in May 1999.", set()),
    ("The Taliban, who ruled until 2001, took Kunduz on Sunday.", {("Kunduz", F)}),
    ("The Taliban took Kunduz on August 8, 2021, twenty years after losing it in 2001.",
     {("Kunduz", F)}),
    ("The Taliban took Kunduz on 8 August, twenty years after losing it in 2001.",
     {("Kunduz", F)}),
    ("The insurgents seized Sheberghan on the 6th of August, two decades after they lost it "
     "in 2001.", {("Sheberghan", F)}),
    ("On Sunday the Taliban captured Kunduz, which they had first taken in August 1998.",
     {("Kunduz", F)}),
    ("Residents fled from Kunduz to Kabul.", set()),
    ("The highway between Kabul and Kandahar was closed.", set()),
    ("Flights from Kabul to Herat were suspended.", set()),
    ("Kabul University students protested on Monday.", set()),
    ("Thousands of displaced families have arrived in Kabul.", set()),
    ("The Taliban seized a checkpoint near Ghazni.", set()),
    ("Mazar-i-Sharif looks like a front line, a resident said.", set()),
    ("Kabul fell silent as night came.", set()),
    ("The US evacuated its embassy in Kabul.", set()),
    ("Afghan forces lost control of the road to Kabul.", set()),
    ("Herat fell under the control of the Taliban on Thursday.", {("Herat", F)}),
    ("Ghazni provincial council member Ahmad Noori spoke to reporters.", set()),
    ("The Taliban took Kunduz, 250 km north of Kabul, on Sunday.", {("Kunduz", F)}),
    ("Officials speaking from Kabul said the road was open.", set()),
    # --- more shapes of the same rules: intent, facilities, appositive names, disputes
    ("Zaranj, the capital of Nimroz province, became the first provincial capital to fall "
     "to the Taliban on Friday.", {("Zaranj", F)}),
    ("The Taliban said on Saturday they had taken control of Sheberghan, the capital of "
     "Jowzjan province in the north.", {("Sheberghan", CL)}),
    ("Government forces launched a counter-offensive to retake Kunduz.", {("Kunduz", CO)}),
    ("The Taliban are trying to capture Kandahar.", {("Kandahar", CO)}),
    ("Taliban fighters managed to capture Farah after a week of fighting.", {("Farah", F)}),
    ("Ghazni city was handed over to the Taliban by its governor.", {("Ghazni", F)}),
    ("The Taliban took over the presidential palace in Kabul.", {("Kabul", F)}),
    ("Kunduz city has been under Taliban control since Sunday.", {("Kunduz", F)}),
    ("Taliban fighters have captured the key border crossing of Spin Boldak.",
     {("Spin Boldak", F)}),
    ("Forces loyal to the government repelled the Taliban from Lashkar Gah.",
     {("Lashkar Gah", G)}),
    ("The Taliban were driven out of Kunduz after heavy air strikes.", {("Kunduz", G)}),
    ("Residents were forced out of Kunduz by the fighting.", set()),
    ("Afghan government troops and Taliban fighters clashed in Lashkar Gah.",
     {("Lashkar Gah", CO)}),
    ("Afghan forces still control the airport in Kandahar.", {("Kandahar", CO)}),
    ("Helmand's capital, Lashkar Gah, fell on Friday.", {("Lashkar Gah", F)}),
    # a Taliban claim that officials deny stays a claim (devset conventions)
    ("The Taliban said it had captured Qala-e-Naw, a claim the government denied.",
     {("Qala-e-Naw", CL)}),
    ("Taliban seized control of most of Helmand province.", {("Helmand", CO)}),
    ("The Taliban's takeover of Mazar-i-Sharif stunned the north.", {("Mazar-i-Sharif", F)}),
    ("The militants have seized a key northern town in Takhar province.", set()),
    ("The government no longer controls Herat, Kandahar or Ghazni.",
     {("Herat", F), ("Kandahar", F), ("Ghazni", F)}),
    ("The Taliban no longer hold Kunduz, officials said.", {("Kunduz", G)}),
    # --- a list after a colon or dash shares the clause before it
    ("The Taliban captured three more provincial capitals on Monday: Aybak, Faizabad and "
     "Farah.", {("Aybak", F), ("Faizabad", F), ("Farah", F)}),
    ("Three more provincial capitals fell on Monday - Qalat, Tarinkot and Nili.",
     {("Qalat", F), ("Tarinkot", F), ("Nili", F)}),
    ("The government still holds three cities: Kabul, Jalalabad and Gardez.",
     {("Kabul", G), ("Jalalabad", G), ("Gardez", G)}),
    ("The Taliban now hold two cities in the north: Kunduz and Taloqan.",
     {("Kunduz", F), ("Taloqan", F)}),
    ("Officials visited three cities: Kabul, Herat and Kandahar.", set()),
    ("Pul-i-Alam, the capital of Logar province, just 40 miles south of Kabul, was also "
     "under attack on Friday.", {("Pul-i-Alam", CO)}),
    ("Sharana was handed to the Taliban by tribal elders.", {("Sharana", F)}),
    ("Local officials in Qala-e-Naw, the capital of Badghis province, said they had handed "
     "the city to the Taliban, hours after the fall of Farah.", {("Qala-e-Naw", F), ("Farah", F)}),
    ("Herat's governor and other officials have surrendered to the Taliban, a police "
     "official said.", {("Herat", F)}),
    ("Taliban say they have captured Pul-e-Alam.", {("Pul-i-Alam", CL)}),
    ("The Taliban now control 90 percent of Helmand province.", {("Helmand", CO)}),
    ("The Taliban have captured most districts in Badakhshan province.", {("Badakhshan", CO)}),
    # --- a frame ("In X, ...") lends the sentence's predicate to X
    ("In Farah, insurgents seized the governor's office on Monday.", {("Farah", F)}),
    ("In Kunduz, the militants overran the prison and freed inmates.", {("Kunduz", CO)}),
    ("In Jalalabad, officials said government forces were still in control of the city, "
     "although fighting was reported in several districts of Nangarhar province.",
     {("Jalalabad", G)}),
    ("A police official in Sharana said security forces had withdrawn to a nearby base.",
     {("Sharana", F)}),
    ("The council chief in Ghor province said the Taliban had entered Feroz Koh and there "
     "was fighting inside the city.", {("Feroz Koh", CO)}),
    # --- a fall that is expected is not a fall
    ("Analysts say the fall of Mazar-i-Sharif is now only a matter of time.",
     {("Mazar-i-Sharif", CO)}),
    ("Diplomats privately fear that the fall of Kandahar is imminent.", {("Kandahar", CO)}),
    ("A US official said the fall of Kabul was a matter of months, not weeks.", set()),
    ("The fall of Faizabad is certain to embolden the insurgents in the north.",
     {("Faizabad", F)}),
    # --- officials at the seat of government speak for the country, not for it
    ("In Kabul, officials said the Taliban had captured the provincial capital overnight.",
     set()),
    ("A defence ministry spokesman in Kabul said fighting was continuing.", set()),
    ("Officials in Kabul told reporters that the insurgents had seized the city.", set()),
    ("In Kabul, Taliban fighters seized the presidential palace late on Sunday.",
     {("Kabul", F)}),
    ("A police officer in Kunduz said the insurgents had seized the city.", {("Kunduz", F)}),
    # --- "liberated" in quotes from a Taliban source is their claim; by the army, a retaking
    ('A Taliban commander told a news agency that Qalat was "fully liberated".',
     {("Qalat", CL)}),
    ("Zaranj was swiftly liberated by Afghan commandos, the army said.", {("Zaranj", G)}),
    # --- a bombing is no fight for the place
    ("Police in Mehtarlam detained three men after a bomb attack near the market.", set()),
    ("A suicide attack in Khost killed five worshippers on Friday.", set()),
    ("The insurgents launched an attack on Maymana before dawn.", {("Maymana", CO)}),
    # --- one of a set of places taken
    ("Sheberghan was among the provincial capitals seized by the militants last week.",
     {("Sheberghan", F)}),
    ("Farah and Qalat were among the cities to fall on Friday, officials said.",
     {("Farah", F), ("Qalat", F)}),
    ("Herat is among the cities hardest hit by the drought.", set()),
    # --- a gapped conjunct shares the statement before it
    ("Maymana fell on Saturday, and Sheberghan on Sunday.", {("Maymana", F), ("Sheberghan", F)}),
    ("The militants overran Aybak on Monday, and Pul-e Khumri and Faizabad the next day.",
     {("Aybak", F), ("Pul-e Khumri", F), ("Faizabad", F)}),
    ("Commandos retook Gardez on Friday and Khost two days later, the ministry said.",
     {("Gardez", G), ("Khost", G)}),
    ("Maymana fell on Saturday, and Sheberghan residents fled south.", {("Maymana", F)}),
    ("Maymana fell on Saturday and Sheberghan is expected to be next.", {("Maymana", F)}),
    # --- a place handed to the Taliban fell, also when the sentence calls it "the city"
    ("The acting governor handed Qalat over to the Taliban without a fight.", {("Qalat", F)}),
    ("Sheberghan's police chief was detained after he handed the city to the insurgents.",
     {("Sheberghan", F)}),
    ("The envoy handed Kabul's proposal to the Taliban negotiators.", set()),
    ("Tribal elders gave Tarinkot to the militants to spare it a battle.", {("Tarinkot", F)}),
    ("The governor gave Tarinkot residents a week to leave.", set()),
    # --- "the city" after the only place a sentence names is that place
    ("Insurgents reached Maymana at dawn and overran the city by nightfall.",
     {("Maymana", F)}),
    ("Taliban columns reached Pul-e Khumri on Saturday, but the town remains in government "
     "hands.", {("Pul-e Khumri", G)}),
    ("Taliban fighters entered Faizabad on Monday and took control of the city within hours.",
     {("Faizabad", F)}),
    ("Taliban fighters entered Faizabad on Monday and took control of a village nearby.",
     {("Faizabad", CO)}),
    ("Families fled Taloqan for Kabul as fighting engulfed the city.", set()),
    ("After a month of fighting around Qalat, the city fell on Thursday.", {("Qalat", F)}),
    ("Insurgents besieged Tarinkot, but the city did not fall.", {("Tarinkot", CO)}),
    ("Clashes raged in Farah, and residents feared the city could fall.", {("Farah", CO)}),
    ("Asadabad sits in a narrow valley, and the town has long been a trading post.", set()),
    ("The minister travelled to Charikar to inspect the city's defences.", set()),
    # --- pictures the Taliban put out of fighters inside a place are their claim
    ("Photos posted online by the Taliban showed fighters inside the police headquarters "
     "in Pul-e Alam.", {("Pul-i-Alam", CL)}),
    ("A clip shared on Telegram by a Taliban commander showed his fighters in the streets "
     "of Gardez.", {("Gardez", CL)}),
    ("An audit report showed fighters in Maymana had not been paid since June.", set()),
    # --- a Taliban source counts in the clause of the fall, not in the next one
    ("Sar-e Pul fell on Monday evening, and a Taliban commander said his men were "
     "closing in on Sheberghan.", {("Sar-e Pul", F)}),
    ("Soldiers abandoned Qala-e-Naw overnight, while the insurgents claimed to have taken "
     "Farah.", {("Qala-e-Naw", F), ("Farah", CL)}),
    ("Local officials said Gardez fell before dawn; the Taliban claimed they had also taken "
     "Khost.", {("Gardez", F), ("Khost", CL)}),
    ("Taloqan fell on Sunday, police said, although the militants claimed it a day earlier.",
     {("Taloqan", F)}),
    ("Zaranj has fallen, a Taliban spokesman wrote on Twitter, and Farah is expected to follow.",
     {("Zaranj", CL)}),
    ("A spokesman for the insurgents said they had seized Farah, Zaranj, and Lashkar Gah.",
     {("Farah", CL), ("Zaranj", CL), ("Lashkar Gah", CL)}),
    # --- a list of places that closes an appositive takes the predicate after it
    ("Two more provincial capitals, Farah and Zaranj, fell to the insurgents on Tuesday.",
     {("Farah", F), ("Zaranj", F)}),
    ("Three northern cities, Kunduz, Taloqan and Sar-e Pul, were overrun within 48 hours.",
     {("Kunduz", F), ("Taloqan", F), ("Sar-e Pul", F)}),
    ("Several provincial capitals, including Ghazni and Qalat, are under siege, officials say.",
     {("Ghazni", CO), ("Qalat", CO)}),
    ("Reporters in several cities, including Mazar-i-Sharif and Maymana, said the roads "
     "were quiet.", set()),
    # --- a city's main square: its centre when taken, a part of it when retaken
    ("Army commandos regained control of Ghazni's main square late on Friday.", {("Ghazni", CO)}),
    ("Police retook the central square of Pul-e Khumri after a night of clashes.",
     {("Pul-e Khumri", CO)}),
    ("Insurgents raised their white flag over the central square of Aybak, residents said.",
     {("Aybak", F)}),
    ("The militants took over a busy market square in Farah on Monday.", {("Farah", CO)}),
]


# Reporting of the offensive in the manner of the wire services and Afghan outlets,
# read as whole one-sentence articles published on 2021-08-14.
OFFENSIVE_CASES: list[tuple[str, set[tuple[str, str]]]] = [
    ("The army pulled its troops out of Farah.", {("Farah", F)}),
    ("The government withdrew its remaining forces from Qalat overnight.", {("Qalat", F)}),
    ("Government forces still control the centre of Lashkar Gah.", {("Lashkar Gah", CO)}),
    ("Afghan troops still hold parts of Kandahar, a local official said.", {("Kandahar", CO)}),
    ("The Taliban hold all but the airport in Kandahar.", {("Kandahar", CO)}),
    # the exception is still held: "the last city still held" (devset conventions)
    ("The insurgents have taken all but Mazar-i-Sharif in the north.", {("Mazar-i-Sharif", G)}),
    # a denied claim stays a claim, with the officials' account beside it
    ("The Taliban claim to have overrun Lashkar Gah, but officials say fighting continues.",
     {("Lashkar Gah", CL), ("Lashkar Gah", CO)}),
    ("Insurgents said they had captured Gardez, but security officials said government forces "
     "were still in control.", {("Gardez", CL), ("Gardez", G)}),
    ("The Taliban captured Zaranj on Friday, but fighting continues in Lashkar Gah.",
     {("Zaranj", F), ("Lashkar Gah", CO)}),
    ("Commandos cleared Kunduz of Taliban fighters.", {("Kunduz", G)}),
    ("The Taliban cleared Taloqan of the last government troops on Sunday.", {("Taloqan", F)}),
    ("Engineers cleared the road to Ghazni of mines.", set()),
    ("The group's spokesman said Herat had been 'liberated'.", {("Herat", CL)}),
    ("A Taliban spokesman said Farah had been liberated.", {("Farah", CL)}),
    ("Afghan commandos liberated Kunduz on Sunday, the defence ministry said.", {("Kunduz", G)}),
    ("Taliban fighters posted photos from inside the governor's office in Ghazni.",
     {("Ghazni", CL)}),
    ("Insurgents shared videos from inside Farah on Friday, and a resident confirmed the "
     "city had fallen.", {("Farah", F)}),
    ("Residents shared pictures from inside Ghazni showing empty streets.", set()),
    ("The Taliban entered Kandahar city on Thursday and seized the governor's office, a "
     "provincial official said.", {("Kandahar", F)}),
    ("Insurgents entered Ghazni and seized the prison, officials said.", {("Ghazni", CO)}),
    ("Fighting raged in Herat and the Taliban stormed the governor's compound.", {("Herat", CO)}),
    ("Rumours that Herat had fallen spread quickly on social media.", set()),
    ("Rumours of the fall of Kunduz swept the capital on Friday.", set()),
    ("Taliban fighters stormed into Farah on Thursday night.", {("Farah", CO)}),
    ("Taliban fighters stormed into Herat on Thursday night and took over the police "
     "headquarters, residents said.", {("Herat", F)}),
    ("Afghan forces pushed the Taliban back from the outskirts of Herat on Saturday.",
     {("Herat", G)}),
    ("The insurgents were driven back from the gates of Ghazni, the army said.", {("Ghazni", G)}),
    ("Government forces still hold the outskirts of Lashkar Gah.", {("Lashkar Gah", CO)}),
    ("Kandahar is the second-largest city to fall to the Taliban.", {("Kandahar", F)}),
    ("The governor surrendered to the Taliban in Ghazni on Thursday, officials said.",
     {("Ghazni", F)}),
    ("The Taliban fighters surrendered to government forces in Kunduz.", set()),
    ("Taliban fighters patrolled the streets of Kunduz on Monday, a day after taking the city.",
     {("Kunduz", F)}),
    ("Afghan commandos patrolled the streets of Lashkar Gah on Friday.", {("Lashkar Gah", G)}),
    ("A video circulated on social media showed Taliban fighters inside the governor's office "
     "in Kunduz.", {("Kunduz", CL)}),
    ("Pictures showed residents queueing for bread in Herat.", set()),
    ("Officials in Lashkar Gah said Taliban fighters had breached the city's defences overnight.",
     {("Lashkar Gah", CO)}),
    ("The front line is now inside Kandahar city, said a reporter speaking from Kabul, adding "
     "that the Taliban had breached the city's defences.", {("Kandahar", CO)}),
    ("Qala-e-Naw was handed over to the Taliban without a fight, a provincial council "
     "member said.", {("Qala-e-Naw", F)}),
    ("Tribal elders brokered the surrender of Tarinkot on Friday.", {("Tarinkot", F)}),
    ("The governor of Ghazni surrendered to the Taliban and was escorted out of the "
     "city.", {("Ghazni", F)}),
    ("Faizabad fell without resistance late on Wednesday, a local lawmaker said.",
     {("Faizabad", F)}),
    ("Pul-e Khumri came under Taliban control on Tuesday, officials confirmed.",
     {("Pul-e Khumri", F)}),
    ("The Taliban took over Zaranj on Friday, police said.", {("Zaranj", F)}),
    ("The insurgents now control Sheberghan, residents said.", {("Sheberghan", F)}),
    ("Taliban fighters overran the police headquarters in Kunduz on Sunday.", {("Kunduz", F)}),
    ("Taliban fighters entered the city of Aybak on Monday, and officials said the "
     "governor had fled.", {("Aybak", CO)}),
    ("The insurgents swept into Mazar-i-Sharif on Saturday evening, meeting little "
     "resistance.", {("Mazar-i-Sharif", F)}),
    ("Militants stormed the prison in Sheberghan and freed hundreds of inmates.",
     {("Sheberghan", CO)}),
    ("The last government outpost in Qalat fell on Thursday night.", {("Qalat", F)}),
    ("Feroz Koh is the 13th provincial capital to fall to the Taliban in a week.",
     {("Feroz Koh", F)}),
    ("Government forces regained control of Lashkar Gah after heavy fighting, the "
     "defence ministry said.", {("Lashkar Gah", G)}),
    ("A counteroffensive by Afghan commandos pushed the Taliban back from Kandahar's "
     "western districts.", {("Kandahar", G)}),
    ("Officials denied that Ghazni had fallen, saying government forces were still in "
     "control.", {("Ghazni", CO)}),
    ("Kabul has sent reinforcements to Lashkar Gah.", set()),
    ("Flights from Kabul to Herat were suspended on Thursday.", set()),
    ("The Taliban have cut the Herat-Kandahar highway in several places.", set()),
    ("A Mazar-i-Sharif-based commander said his men were ready to fight.", set()),
    ("A Kandahar resident living abroad said her family was frightened.", set()),
    ("Talks in Doha between the two sides made little progress.", set()),
    ("The Kabul government has asked for more US air strikes.", set()),
    ("Temperatures in Kandahar rose above 45C on Friday.", set()),
    ("The World Food Programme delivered aid to displaced families in Mazar-i-Sharif.", set()),
    ("Heavy fighting raged in Lashkar Gah for a second week as the Taliban pushed "
     "towards the city centre.", {("Lashkar Gah", CO)}),
    ("A Taliban spokesman said on Twitter that the group had captured Ghazni.", {("Ghazni", CL)}),
    ("The capture of Ghazni, 150 km southwest of Kabul, brings the insurgents closer "
     "to the capital.", {("Ghazni", F)}),
    ("Herat, Afghanistan's third-largest city, fell to the Taliban on Thursday after "
     "weeks of siege.", {("Herat", F)}),
    ("Afghan security forces abandoned their bases in Kunduz and fled to the airport.",
     {("Kunduz", CO)}),
    ("The Taliban have besieged Lashkar Gah, the capital of Helmand province, for "
     "weeks.", {("Lashkar Gah", CO)}),
    ("Local officials said Taloqan was handed to the Taliban after negotiations led "
     "by elders.", {("Taloqan", F)}),
    ("Ismail Khan, a veteran commander, led the defence of Herat before he was captured.", set()),
    ("Mazar-i-Sharif remains in government hands, though the Taliban control the "
     "surrounding districts.", {("Mazar-i-Sharif", G)}),
    ("Kabul remains under government control, the interior ministry said.", {("Kabul", G)}),
    ("The Taliban could take Kabul within 90 days, a US intelligence assessment said.", set()),
    ("Afghan forces repelled a Taliban attack on Kandahar overnight, the ministry "
     "said.", {("Kandahar", G)}),
    ("Pajhwok reported that the Taliban had taken full control of Puli Alam, the "
     "capital of Logar.", {("Pul-i-Alam", F)}),
    ("The Taliban raised their white flag over the main square of Ghazni, according "
     "to video posted online.", {("Ghazni", F)}),
    ("Fighting was reported on the outskirts of Mazar-i-Sharif on Friday.",
     {("Mazar-i-Sharif", CO)}),
    ("Asadabad fell without a fight on Saturday, said a Kunar lawmaker.", {("Asadabad", F)}),
    ("The Taliban claimed to have captured Sharana, but there was no official "
     "confirmation.", {("Sharana", CL)}),
    ("The Taliban now control more than half of the country's 34 provincial capitals.", set()),
    ("Government troops retook Sangin district after a week of fighting, officials "
     "said.", {("Sangin", G)}),
    ("Elders brokered the surrender of Qalat, sparing the city from bloodshed.", {("Qalat", F)}),
    ("Chaghcharan fell without resistance, a provincial council member told AFP.",
     {("Feroz Koh", F)}),
    ("The last government outpost in Lashkar Gah fell on Friday after weeks of "
     "fighting.", {("Lashkar Gah", F)}),
    ("Government forces regained control of several districts around Kandahar, the "
     "army said.", set()),
    ("Afghan forces launched a counteroffensive to retake Kunduz on Sunday.", {("Kunduz", CO)}),
    ("The interior ministry denied reports that Mazar-i-Sharif had fallen.", set()),
    ("The Taliban now control Kunduz, Sar-e Pul and Sheberghan, according to local "
     "officials.", {("Kunduz", F), ("Sar-e Pul", F), ("Sheberghan", F)}),
    ("Herat-based journalists said the streets were empty.", set()),
    ("Thousands of displaced families have arrived in Kabul from Kunduz and Takhar.", set()),
    ("Kandahar airport was hit by rockets overnight, disrupting flights.", set()),
    ("The road between Kabul and Jalalabad remained open on Friday.", set()),
    ("Lashkar Gah has been under siege for weeks, and the Taliban now hold most of "
     "the city.", {("Lashkar Gah", CO)}),
    ("The Taliban said on Twitter they had taken Qala-e-Naw, a claim that could not "
     "be independently verified.", {("Qala-e-Naw", CL)}),
    ("Security officials acknowledged the loss of Faizabad on Wednesday.", {("Faizabad", F)}),
    ("Government forces still hold the airport and the army base outside Kandahar.", set()),
    ("The UN said it was relocating staff from Herat and Kandahar.", set()),
    ("A spokesman for the Kabul government declined to comment.", set()),
    ("Herat, which was defended for weeks by the militia of Ismail Khan, fell on "
     "Thursday.", {("Herat", F)}),
    ("Mazar-i-Sharif fell to the Taliban on Saturday as government forces fled toward "
     "Uzbekistan.", {("Mazar-i-Sharif", F)}),
    ("Dust storms grounded aid flights to Kandahar on Wednesday.", set()),
    ("Jalalabad came under Taliban control on Sunday morning without a fight, "
     "officials said.", {("Jalalabad", F)}),
    ("Taliban fighters were seen on the streets of Ghazni, witnesses said.", set()),
    ("The Taliban overran Pul-e Khumri on Tuesday, the ninth provincial capital to "
     "fall in less than a week.", {("Pul-e Khumri", F)}),
    ("Security forces in Ghazni laid down their arms after a deal brokered by tribal "
     "elders.", {("Ghazni", F)}),
    ("Kunduz was retaken by government forces on Tuesday, the defence ministry said.",
     {("Kunduz", G)}),
    ("The Taliban are closing in on Mazar-i-Sharif from three directions.", set()),
    ("If Kandahar falls, the road to Kabul would be open.", {("Kandahar", CO)}),
    ("Herat's famed citadel was damaged in the fighting, officials said.", set()),
    ("The Taliban have denied targeting civilians in Lashkar Gah.", set()),
    ("Kabul's mayor said the capital was calm on Saturday.", set()),
    ("Heavy clashes were reported around Ghazni's police headquarters late on "
     "Wednesday.", {("Ghazni", CO)}),
    ("The fall of Sheberghan came a day after Zaranj was captured.",
     {("Sheberghan", F), ("Zaranj", F)}),
    ("Taliban fighters were in full control of Taloqan on Sunday, residents said.",
     {("Taloqan", F)}),
    ("Taliban fighters took over Kandahar's police headquarters and the governor's "
     "compound on Thursday night.", {("Kandahar", F)}),
    ("Herat was handed over to the Taliban without a fight after the governor and "
     "security chiefs struck a deal.", {("Herat", F)}),
    ("The Taliban said they had entered Kabul from all sides, but a presidential "
     "spokesman said the city was secure.", {("Kabul", CO)}),
    ("Kandahar fell overnight, making it the 12th provincial capital to fall in a week.",
     {("Kandahar", F)}),
    ("Lashkar Gah is now under the control of the Taliban, a provincial council member "
     "said.", {("Lashkar Gah", F)}),
    ("The Taliban have taken control of Sheberghan, the capital of Jowzjan province, "
     "officials said on Saturday.", {("Sheberghan", F)}),
    ("Officials in Badghis said the Taliban had captured Qala-e-Naw after government "
     "forces retreated to a military base.", {("Qala-e-Naw", F)}),
    ("The Taliban's rapid advance has raised fears for Kabul.", set()),
    ("Refugees from Kunduz are sheltering in a park in Kabul.", set()),
    ("The fighting in Helmand province has displaced thousands.", {("Helmand", CO)}),
    ("The defence ministry said Afghan forces had launched a counteroffensive in Lashkar "
     "Gah.", {("Lashkar Gah", CO)}),
    ("After the fall of Mazar-i-Sharif, the Taliban swept into Jalalabad without "
     "resistance.", {("Jalalabad", F), ("Mazar-i-Sharif", F)}),
    ("Pajhwok Afghan News reported that Taliban fighters had surrounded Gardez.", {("Gardez", CO)}),
    ("The governor of Nangarhar fled to Kabul on Sunday.", set()),
    ("Taliban fighters were seen raising their white flag over Qalat.", {("Qalat", F)}),
    ("The Taliban now control Kunduz airport and all roads into the city.", {("Kunduz", CO)}),
    ("Bamyan was surrendered to the Taliban on Saturday without a shot being fired, local "
     "officials said.", {("Bamyan", F)}),
    ("Kandahar's governor and other officials fled to the airport, from where they were "
     "flown to Kabul.", {("Kandahar", F)}),
    ("Sar-e Pul and Sheberghan fell into Taliban hands on Sunday.",
     {("Sar-e Pul", F), ("Sheberghan", F)}),
    ("The Taliban said in a statement that they had captured Taloqan, the capital of "
     "Takhar.", {("Taloqan", CL)}),
    ("Afghan officials confirmed that Zaranj had been overrun.", {("Zaranj", F)}),
    ("Kabul is not under threat, the defence minister insisted.", {("Kabul", G)}),
    ("The Taliban, who were ousted from Kabul in 2001, took Herat on Thursday.", {("Herat", F)}),
    ("Insurgents also took Qala-e-Naw in the northwest and Lashkar Gah in the south.",
     {("Lashkar Gah", F), ("Qala-e-Naw", F)}),
    ("The loss of Kandahar and Herat is a severe blow to the government.",
     {("Herat", F), ("Kandahar", F)}),
    ("Security forces retreated to the airport as Taliban fighters entered Kunduz.",
     {("Kunduz", CO)}),
    ("Mazar-i-Sharif, the country's fourth-largest city, was still in government hands on "
     "Friday.", {("Mazar-i-Sharif", G)}),
    ("US officials fear Kabul could fall within 30 days.", set()),
    ("Residents said the Taliban were going door to door in Ghazni searching for "
     "officials.", set()),
    ("The Taliban captured Pul-e Khumri, the capital of Baghlan province, and are now "
     "within 200 km of Kabul.", {("Pul-e Khumri", F)}),
    ("Witnesses said the Taliban flag was flying over the governor's office in Faizabad.",
     {("Faizabad", F)}),
    ("Ghazni fell to the Taliban on Thursday, a provincial council member told Reuters.",
     {("Ghazni", F)}),
    ("The Taliban's spokesman Zabihullah Mujahid said the group had seized Kandahar.",
     {("Kandahar", CL)}),
    ("Kandahar's governor fled, and the city fell early on Friday.", {("Kandahar", F)}),
    ("The provincial capital of Logar, Pul-i-Alam, fell on Friday.", {("Pul-i-Alam", F)}),
    ("The Taliban captured Kabul in 1996 and Herat on Sunday.", {("Herat", F)}),
    ("Jalalabad has not fallen and remains in government hands, the governor said.",
     {("Jalalabad", G)}),
    ("Kabul has not fallen, officials insisted.", set()),
    ("The Taliban captured three more provincial capitals on Friday, including Kandahar and "
     "Herat.", {("Kandahar", F), ("Herat", F)}),
    ("Government forces still hold several provincial capitals, including Mazar-i-Sharif.",
     {("Mazar-i-Sharif", G)}),
    ("Aid agencies are working in several cities, including Herat.", set()),
    ("Sources told TOLOnews that Taliban fighters have entered Pul-e Khumri and clashes "
     "are ongoing.", {("Pul-e Khumri", CO)}),
    ("The Islamic Emirate said its mujahideen had conquered Farah city.", {("Farah", CL)}),
    ("Local officials said the city of Kunduz had collapsed after security forces ran out "
     "of ammunition.", {("Kunduz", F)}),
    ("Ghazni is the 10th provincial capital taken by the Taliban in a week.", {("Ghazni", F)}),
    ("The Taliban have seized a 10th provincial capital, Ghazni, officials said.", {("Ghazni", F)}),
    ("Taliban fighters captured the strategic city of Ghazni on Thursday.", {("Ghazni", F)}),
    ("With the capture of Herat, the Taliban now hold the west of the country.", {("Herat", F)}),
    ("Herat's famous mosque was undamaged.", set()),
    ("The insurgents took the city of Maimana without firing a shot.", {("Maymana", F)}),
    ("A resident of Kandahar said the Taliban had reached the city's outskirts.",
     {("Kandahar", CO)}),
    ("The Taliban are in control of Bamyan, local officials told the BBC.", {("Bamyan", F)}),
    ("Government troops were holed up in the airport in Kunduz.", {("Kunduz", CO)}),
    ("Officials in Ghazni signed over the city to the Taliban in exchange for safe "
     "passage.", {("Ghazni", F)}),
    ("The Taliban's capture of Zaranj on Friday was the first of a provincial capital "
     "since 2016.", {("Zaranj", F)}),
    ("The people of Herat voted for Ashraf Ghani in 2019.", set()),
    ("Kabul rejected the Taliban's offer of a ceasefire in exchange for prisoners.", set()),
    ("Kabul has lost control of most of the north.", set()),
    ("The Kabul government has lost Kunduz, Sar-e Pul and Taloqan in three days.",
     {("Kunduz", F), ("Sar-e Pul", F), ("Taloqan", F)}),
    ("Negotiators from Kabul and the Taliban met in Doha on Thursday.", set()),
    ("The Taliban seized Kunduz airport, where hundreds of soldiers had taken refuge.",
     {("Kunduz", CO)}),
    ("Kandahar was on the brink of falling on Thursday night.", {("Kandahar", CO)}),
    ("Security forces in Kandahar retreated to the city's airport.", {("Kandahar", F)}),
    ("The Taliban entered the outskirts of Kabul on Sunday morning.", {("Kabul", CO)}),
    ("President Ghani flew to Mazar-i-Sharif to rally the city's defences.", set()),
    ("The Taliban took Herat, with government officials and troops surrendering en masse.",
     {("Herat", F)}),
    ("A Taliban spokesman tweeted that Kandahar had been \"completely conquered\".",
     {("Kandahar", CL)}),
    ("A resident of Kandahar, who asked not to be named, said government forces had withdrawn "
     "to a military base outside the city.", {("Kandahar", F)}),
    ("Officials said the Taliban had not captured Ghazni.", set()),
    ("The Taliban said they were in full control of Taloqan.", {("Taloqan", CL)}),
    ("The Taliban announced the capture of Aybak on their website.", {("Aybak", CL)}),
    ("According to the Taliban, Sar-e Pul has fallen.", {("Sar-e Pul", CL)}),
    ("Taliban spokesman Zabihullah Mujahid said on Twitter that Faizabad had been "
     "captured, a claim confirmed by a local official.", {("Faizabad", F)}),
    ("The militants claimed on Friday that Kandahar was theirs.", set()),
    ("A security source confirmed that Mehtarlam had fallen to the Taliban.", {("Mehtarlam", F)}),
    ("The Taliban claimed victory in Lashkar Gah, but government forces are still holding "
     "out in parts of the city.", {("Lashkar Gah", CL), ("Lashkar Gah", CO)}),
    ("Officials in Kabul said Herat had fallen but that the airport remained in "
     "government hands.", {("Herat", F)}),
    ("The Taliban claimed victory in Kunduz on Sunday.", {("Kunduz", CL)}),
    ("A government spokesman denied reports that Kunduz had fallen, saying fighting was "
     "continuing.", {("Kunduz", CO)}),
    ("Officials denied that Ghazni had fallen.", set()),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_classify_sentence(
    gazetteer: Gazetteer, sentence: str, expected: set[tuple[str, str]]
) -> None:
    findings = classify(sentence, gazetteer.find(sentence), published=dt.date(2021, 8, 13))
    assert {(f.mention.place.name, f.status) for f in findings} == expected


def test_enough_written_cases() -> None:
    assert len(CASES) >= 80
    assert {status for _, expected in CASES for _, status in expected} == {F, CL, CO, G}
    assert sum(1 for _, expected in CASES if not expected) >= 20


def test_next_sentence_hedge_makes_a_claim(gazetteer: Gazetteer) -> None:
    sentence = "The insurgents captured Sharana on Monday."
    mentions = gazetteer.find(sentence)
    assert [f.status for f in classify(sentence, mentions)] == [F]
    hedged = classify(sentence, mentions, next_sentence="There was no official confirmation.")
    assert [f.status for f in hedged] == [CL]


def test_actor_and_confidence(gazetteer: Gazetteer) -> None:
    taken = classify("Maimana fell to the Taliban.", gazetteer.find("Maimana fell to the Taliban."))
    held = "The government still holds Jalalabad."
    kept = classify(held, gazetteer.find(held))
    assert taken[0].actor == "Taliban" and kept[0].actor == "government"
    assert 0 < taken[0].confidence <= 1 and 0 < kept[0].confidence <= 1


def test_same_place_twice_in_a_sentence_is_one_finding(gazetteer: Gazetteer) -> None:
    sentence = "Taloqan fell on Monday, and the fall of Taloqan opened the road north."
    findings = classify(sentence, gazetteer.find(sentence))
    assert [(f.mention.place.name, f.status) for f in findings] == [("Taloqan", F)]


# --- articles -----------------------------------------------------------------------------


def _article(text: str, published: dt.date | None = dt.date(2021, 8, 13), **kw: str) -> Article:
    return Article(id=kw.pop("id", "a.txt"), text=text, published=published,
                   published_source="sidecar", **kw)


def test_article_events_carry_evidence_offsets_and_metadata(gazetteer: Gazetteer) -> None:
    text = ("Officials in the north were worried.\n"
            "The Taliban captured Kunduz on Thursday. Residents stayed indoors.\n")
    article = _article(text, title="T", outlet="Wire", url="https://example.org/a")
    (event,) = extract_article(article, gazetteer).events
    assert text[event.start : event.end] == "The Taliban captured Kunduz on Thursday."
    assert event.evidence == "The Taliban captured Kunduz on Thursday."
    assert (event.place, event.province_id, event.kind) == ("Kunduz", "AF-KDZ", "capital")
    assert event.date == dt.date(2021, 8, 12)
    assert (event.title, event.outlet, event.url) == ("T", "Wire", "https://example.org/a")
    assert event.lat != 0 and event.lon != 0


def test_independent_confirmation_turns_a_claim_into_a_fall(gazetteer: Gazetteer) -> None:
    claim = "The Taliban claimed on Friday to have captured Gardez.\n"
    alone = extract_article(_article(claim), gazetteer).events
    assert [e.status for e in alone] == [CL]
    confirmed = claim + "A resident confirmed that the insurgents were in the city.\n"
    assert [e.status for e in extract_article(_article(confirmed), gazetteer).events] == [F]
    elsewhere = claim + "\nLocal officials said Gardez fell to the Taliban on Friday.\n"
    statuses = {e.status for e in extract_article(_article(elsewhere), gazetteer).events}
    assert statuses == {F}


def test_undated_report_of_a_fall_takes_the_articles_date_for_it(gazetteer: Gazetteer) -> None:
    text = ("Taliban fighters seized Sheberghan on Tuesday, officials said.\n"
            "Analysts described the Pentagon's reaction.\n"
            "The loss of Sheberghan is a blow to the government.\n")
    events = extract_article(_article(text), gazetteer).events
    assert [e.date for e in events] == [dt.date(2021, 8, 10)] * 2


def test_undated_statement_takes_the_publication_date(gazetteer: Gazetteer) -> None:
    events = extract_article(_article("Heavy fighting continued in Taloqan.\n"), gazetteer).events
    assert [e.date for e in events] == [dt.date(2021, 8, 13)]
    undated = _article("Heavy fighting continued in Taloqan.\n", published=None)
    assert [e.date for e in extract_article(undated, gazetteer).events] == [None]


def test_date_continues_within_the_paragraph(gazetteer: Gazetteer) -> None:
    text = "On Wednesday the militants encircled Aybak. Fighting raged in Aybak all night.\n"
    events = extract_article(_article(text), gazetteer).events
    assert [(e.status, e.date) for e in events] == [(CO, dt.date(2021, 8, 11))] * 2


def test_a_day_after_dates_the_earlier_event(gazetteer: Gazetteer) -> None:
    text = ("The Taliban captured Khost on Friday, a day after they took Gardez, "
            "officials said.\n")
    events = {e.place: e.date for e in extract_article(_article(text), gazetteer).events}
    assert events == {"Khost": dt.date(2021, 8, 13), "Gardez": dt.date(2021, 8, 12)}


def test_since_and_old_dates_do_not_date_events(gazetteer: Gazetteer) -> None:
    text = "Fighting has raged in Farah since August 2 and intensified this week.\n"
    (event,) = extract_article(_article(text), gazetteer).events
    assert event.date == dt.date(2021, 8, 13)


def test_links_to_other_stories_are_skipped(gazetteer: Gazetteer) -> None:
    text = "Read more: Taliban seize Kunduz as fighting spreads\n>> Zaranj falls to the Taliban\n"
    assert extract_article(_article(text), gazetteer).events == ()


def test_several_reports_of_one_place_are_all_kept(gazetteer: Gazetteer) -> None:
    text = ("Maimana fell to the Taliban on Thursday, officials said.\n"
            "Residents said Maimana fell on Thursday afternoon.\n")
    events = extract_article(_article(text), gazetteer).events
    assert len(events) == 2 and {e.evidence for e in events} == {
        "Maimana fell to the Taliban on Thursday, officials said.",
        "Residents said Maimana fell on Thursday afternoon.",
    }


@pytest.mark.parametrize(
    ("sentence", "count", "total"),
    [
        ("The Taliban have taken 12 of Afghanistan's 34 provincial capitals.", 12, 34),
        ("Sheberghan was the ninth provincial capital to fall in a week.", 9, 34),
        ("It became the 10th provincial capital to fall.", 10, 34),
        ("They now hold a quarter of the country's 34 provincial capitals.", 8, 34),
        ("Militants control fifteen of the thirty-four provincial capitals.", 15, 34),
        # A qualifier moves a share to the whole count it implies: 34 / 3 = 11.3.
        ("Insurgents now hold over a third of the 34 provincial capitals.", 12, 34),
        ("Insurgents now hold about a third of the 34 provincial capitals.", 11, 34),
        ("Nearly half of the country's 34 provincial capitals have fallen.", 16, 34),
        ("At least a third of the 34 provincial capitals are in Taliban hands.", 12, 34),
        ("More than 20 of the 34 provincial capitals have fallen to the militants.", 21, 34),
    ],
)
def test_capital_counts(gazetteer: Gazetteer, sentence: str, count: int, total: int) -> None:
    (found,) = extract_article(_article(sentence + "\n"), gazetteer).counts
    assert (found.count, found.total, found.date) == (count, total, dt.date(2021, 8, 13))
    assert found.evidence == sentence


def test_relative_counts_are_not_totals(gazetteer: Gazetteer) -> None:
    text = "The militants seized three other provincial capitals on Friday.\n"
    assert extract_article(_article(text), gazetteer).counts == ()


def test_unknown_place_in_a_control_sentence_is_unresolved(gazetteer: Gazetteer) -> None:
    text = "The Taliban seized Zarghunabad on Friday after a short battle.\n"
    extraction = extract_article(_article(text), gazetteer)
    assert extraction.events == ()
    (unknown,) = extraction.unresolved
    assert unknown.name == "Zarghunabad"
    assert text[unknown.start : unknown.end] == "Zarghunabad"


def test_unknown_names_need_whole_control_words(gazetteer: Gazetteer) -> None:
    text = ("The convoy overtook Zarghunabad traffic near the pass.\n"
            "Misfortune befell Qarawal families.\n"
            "Fighters took Dasht-e Laili and the district of Zarmastan on Monday.\n"
            "On Sunday, Pashdan Bazaar fell; the town of Tangi was overrun.\n")
    names = {u.name for u in extract_article(_article(text), gazetteer).unresolved}
    assert names == {"Dasht", "Zarmastan", "Pashdan Bazaar", "Tangi"}


def test_extract_events_streams(gazetteer: Gazetteer) -> None:
    def articles():  # a generator: extract_events must not need a list
        for index in range(3):
            yield _article("Maimana fell to the Taliban on Friday.\n", id=f"{index}.txt")

    results = extract_events(articles(), gazetteer)
    first = next(results)
    assert first.article.id == "0.txt" and len(first.events) == 1
    assert [x.article.id for x in results] == ["1.txt", "2.txt"]


# --- sentences ----------------------------------------------------------------------------


def test_split_sentences_keeps_abbreviations_together() -> None:
    text = ("The army said on Thursday it still held Herat. Dr. Noor Ahmadi agreed. "
            "Gen. Sami Sadat disagreed.\nA new paragraph.")
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "The army said on Thursday it still held Herat.",
        "Dr. Noor Ahmadi agreed.",
        "Gen. Sami Sadat disagreed.",
        "A new paragraph.",
    ]


# --- tables -------------------------------------------------------------------------------


def test_events_frame_and_read_events_round_trip(gazetteer: Gazetteer, tmp_path: Path) -> None:
    text = "Maimana fell to the Taliban on Thursday.\nThe fighting in Farah went on Friday.\n"
    events = extract_article(_article(text), gazetteer).events
    frame = events_frame(events)
    assert list(frame.columns) == EVENT_COLUMNS
    assert frame["date"].tolist() == ["2021-08-12", "2021-08-13"]
    path = tmp_path / "events.csv"
    frame.to_csv(path, index=False)
    assert tuple(read_events(path)) == events


def test_events_frame_of_nothing_has_the_columns() -> None:
    assert list(events_frame([]).columns) == EVENT_COLUMNS


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("status", "taken", "status 'taken'"),
        ("date", "12/08/2021", "date '12/08/2021'"),
        ("lat", "north", "must be numbers"),
        ("place", "", "must not be empty"),
    ],
)
def test_read_events_names_file_and_line(
    gazetteer: Gazetteer, tmp_path: Path, column: str, value: str, message: str
) -> None:
    text = "Maimana fell on Thursday.\nZaranj fell.\n"
    events = extract_article(_article(text), gazetteer).events
    frame = events_frame(events).astype(str)
    frame.loc[1, column] = value
    path = tmp_path / "events.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=rf"events\.csv:3: .*{message}"):
        read_events(path)


def test_read_events_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("article,place\na.txt,Herat\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_events(path)


def test_bad_rules_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("[verbs]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rules\.toml"):
        load_rules(path)


def test_background_takes_the_day_the_next_sentence_opens_with(gazetteer: Gazetteer) -> None:
    text = ("Taloqan had been under attack for two weeks. But on Wednesday, the defenders "
            "gave up.\nAnalysts were surprised.\n"
            "Aybak had also been overrun. The group denied a bombing on Monday.\n")
    events = {e.place: e.date for e in extract_article(_article(text), gazetteer).events}
    assert events == {"Taloqan": dt.date(2021, 8, 11), "Aybak": dt.date(2021, 8, 13)}


def test_present_statement_is_dated_by_publication(gazetteer: Gazetteer) -> None:
    text = ("The army said on Tuesday it had lost several posts.\n"
            "Helmand province, the country's largest, is now almost entirely in Taliban hands.\n")
    (event,) = extract_article(_article(text), gazetteer).events
    assert (event.place, event.status, event.date) == ("Helmand", F, dt.date(2021, 8, 13))


def test_first_character_index_matches_like_the_plain_alternation() -> None:
    from controlmap._rules import _by_first_character

    branches = [
        ("g", ["re-?t(?:ook|ake)", "(?:still |firmly )?hold(?:s|ing)?(?! out)"], r"(?=\s)"),
        ("f", ["t(?:ook|ake|aken)", "ha[sd] taken", r"\w+ly captured", "fell to"], r"(?=\s)"),
    ]
    indexed = re.compile(_by_first_character(branches))
    plain = re.compile("|".join(
        rf"\b(?P<{name}>{'|'.join(sorted(words, key=len, reverse=True))}){suffix}"
        for name, words, suffix in branches
    ))
    text = ("they retook it and then took more; it still holds out, firmly holding "
            "x. he has taken it, quickly captured y, and it fell to them. re-take z")
    assert [(m.span(), m.lastgroup) for m in plain.finditer(text)] == [
        (m.span(), str(m.lastgroup).split("_")[0]) for m in indexed.finditer(text)
    ]


def test_dates_stay_within_their_part_of_the_sentence(gazetteer: Gazetteer) -> None:
    text = ("Sheberghan fell on Aug. 7, and Kunduz and Taloqan fell on Aug. 8.\n"
            "On Thursday night, the militants overran Ghazni and, hours later, Herat.\n"
            "Kandahar was taken on Wednesday; Kabul remains in government hands for now.\n")
    dates = {(e.place, e.status): e.date for e in extract_article(_article(text), gazetteer).events}
    assert dates == {
        ("Sheberghan", F): dt.date(2021, 8, 7),
        ("Kunduz", F): dt.date(2021, 8, 8),
        ("Taloqan", F): dt.date(2021, 8, 8),
        ("Ghazni", F): dt.date(2021, 8, 12),
        ("Herat", F): dt.date(2021, 8, 12),
        ("Kandahar", F): dt.date(2021, 8, 11),
        ("Kabul", G): dt.date(2021, 8, 13),
    }


# --- the screen: sentences without any control word skip the patterns ----------------


@pytest.mark.parametrize(("sentence", "expected"), CASES + OFFENSIVE_CASES)
def test_screen_never_drops_a_sentence_the_classifier_accepts(
    gazetteer: Gazetteer, sentence: str, expected: set[tuple[str, str]]
) -> None:
    from dataclasses import replace

    from controlmap._rules import _default_rules

    rules = _default_rules()
    mentions = gazetteer.find(sentence)
    day = dt.date(2021, 8, 13)
    screened = classify(sentence, mentions, rules=rules, published=day)
    unscreened_rules = replace(
        rules, screen=None, verb_screen=None, noun_screen=None, after_screen=None, gates=None
    )
    unscreened = classify(sentence, mentions, rules=unscreened_rules, published=day)
    assert screened == unscreened


def test_every_match_of_a_screened_pattern_contains_a_screen_word(gazetteer: Gazetteer) -> None:
    from controlmap._rules import _DEFENDERS_GAVE_UP, _default_rules, _required_words
    from controlmap.extract import _masked, _normalise

    rules = _default_rules()
    patterns = [
        rules.object_verb, rules.noun_head, rules.possessive_noun, _DEFENDERS_GAVE_UP,
        rules.subject_predicate, rules.closing_predicate, rules.clause_verbs,
    ]
    checked = 0
    for sentence, _ in CASES + OFFENSIVE_CASES:
        mentions = gazetteer.find(sentence)
        for index, mention in enumerate(mentions):
            masked = _masked(_normalise(sentence), mentions, index)
            for pattern in patterns:
                for match in pattern.finditer(masked[mention.start :]):
                    words = _required_words(pattern.pattern)[0]
                    assert any(word in match.group(0) for word in words), (pattern, match)
                    assert rules.screen is not None and rules.screen.passes(masked)
                    checked += 1
    assert checked > 100


def test_screen_turns_away_sentences_without_control_words(gazetteer: Gazetteer) -> None:
    from controlmap._rules import _default_rules

    screen = _default_rules().screen
    assert screen is not None
    assert not screen.passes("herat lies 120 km from the iranian border.")
    assert not screen.passes("the governor of helmand spoke to reporters from kabul.")
    assert screen.passes("taliban fighters seized herat.")
    assert screen.passes("heavy fighting raged around kandahar.")
    assert screen.passes("kunduz remains in government hands.")


def test_gated_patterns_fail_at_once_in_a_sentence_without_their_words() -> None:
    from controlmap._rules import _default_rules

    rules = _default_rules()
    plain = rules.gated("farah lies on the road from herat to the iranian border.")
    assert plain.unscreened is rules
    # No control word at all: the sentence is turned away before any pattern runs.
    assert rules.for_sentence("farah lies on the road from herat to the iranian border.") is None
    assert plain.object_verb.search("the taliban seized farah") is None
    # Gated away: the pattern cannot match, even where the whole rules would.
    assert plain.denial.search("officials denied reports that farah had fallen") is None
    assert rules.denial.search("officials denied reports that farah had fallen") is not None
    # A sentence with the words keeps the pattern.
    denied = rules.for_sentence("officials denied reports that farah had fallen.")
    assert denied is not None and denied.denial is rules.denial
    # Sentences lacking the same words share one variant.
    assert rules.gated("zaranj is a border town.") is rules.gated("ghor is a mountain province.")


def test_every_match_of_a_gated_pattern_contains_one_of_its_words(gazetteer: Gazetteer) -> None:
    from controlmap._rules import _GATED, _default_rules, _required_words
    from controlmap.extract import _masked, _normalise

    rules = _default_rules()
    assert rules.gates is not None
    checked = 0
    for sentence, _ in CASES + OFFENSIVE_CASES:
        mentions = gazetteer.find(sentence)
        masked = _masked(_normalise(sentence), mentions, -1)
        for name in _GATED:
            pattern = getattr(rules, name)
            if name not in rules.gates.names:
                continue
            words = _required_words(pattern.pattern)[0]
            for match in pattern.finditer(masked):
                assert any(word in match.group(0) for word in words), (name, match)
                assert name not in rules.gates.absent(rules.gates.present(masked))
                checked += 1
    assert checked > 100


def test_required_words_of_a_pattern() -> None:
    from controlmap._rules import _required_words

    assert _required_words(r"seiz(?:e|ed)")[0] == {"seize", "seized"}
    assert _required_words(r"(?:was|were) \w+ly captured")[0] == {"ly captured"}
    assert _required_words(r"\bfled\s+(?:from|out of)(?=\s)")[0] == {"fled"}
    assert _required_words(r"^\x01+'s\s+(?:fall|capture)\b")[0] == {"fall", "capture"}
    assert _required_words(r"(?:a|b)?\w+") == ()
    # Case-insensitive parts could match text in any case: they require nothing.
    assert _required_words(r"(?i:fell)|fall") == ()
    assert _required_words(r"fell", re.IGNORECASE) == ()


def test_a_hand_made_events_row_needs_only_four_cells(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "article,place,status,date,evidence\n"
        "notes.txt,Firuz Koh,fallen,2021-08-13,A stringer saw the flag over the governor's house\n"
        "notes.txt,Maymana,contested,,\n",
        encoding="utf-8",
    )
    first, second = read_events(path)
    # The place keeps the spelling written; the rest comes from the gazetteer entry.
    assert (first.place, first.place_id, first.province_id, first.kind) == (
        "Firuz Koh", "geonames:1145904", "AF-GHO", "capital"
    )
    assert (first.lat, first.lon) == pytest.approx((34.5195, 65.2509), abs=1e-3)
    assert first.date == dt.date(2021, 8, 13) and first.evidence.startswith("A stringer")
    assert (second.province_id, second.date, second.status) == ("AF-FYB", None, "contested")


def test_a_hand_made_row_with_an_unknown_place_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("article,place,status,date\nn.txt,Herat,fallen,2021-08-12\n"
                    "n.txt,Atlantis,fallen,2021-08-12\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"events\.csv:3: place 'Atlantis' is not in the"):
        read_events(path)


@pytest.mark.parametrize(("sentence", "expected"), OFFENSIVE_CASES)
def test_offensive_reporting(
    gazetteer: Gazetteer, sentence: str, expected: set[tuple[str, str]]
) -> None:
    events = extract_article(_article(sentence, dt.date(2021, 8, 14)), gazetteer).events
    assert {(event.place, event.status) for event in events} == expected


# --- patterns written for speed match like their plain forms --------------------------


@pytest.mark.parametrize(
    ("module", "name", "plain"),
    [
        ("_hedges", "_CLAUSE_BREAK", r"[;:]|\bbut\b|\bwhile\b"),
        ("_hedges", "_SPEECH_BREAK",
         r"[;:]|,\s+(?:said|says|told|added)\b|\b(?:said|says|told)\s+(?:that\s+)?"),
        ("_direction", "_SUBJECT_BREAK",
         r"[;:]|\bwhile\b|\bbut\b|\bthat\b|\bsaid\b|\bsays\b|\btold\b|\baccording to\b"),
        ("extract", "_PREVIOUS_CAPITALISED", r"(?:^|[^\w.,;:])([A-Z][a-z]+) $"),
        ("extract", "_YEAR", r"\b(1[89]\d\d|20\d\d)\b"),
        ("_direction", "_THE_CITY", r"\b(?:the|this|that) (?:city|town|provincial capital)\b"),
    ],
)
def test_a_pattern_written_for_speed_matches_like_its_plain_form(
    module: str, name: str, plain: str
) -> None:
    import importlib
    import random

    fast = getattr(importlib.import_module(f"controlmap.{module}"), name)
    slow = re.compile(plain)
    rng = random.Random(7)
    alphabet = "abtuwhilesdyorcngAKB:;,. \x01\x02'_é0129"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(20000)]
    texts += [
        "Residents said that the army withdrew, but fighting went on while talks",
        "according to officials; Kabul told reporters: 'no'", "a, said that ", "abut awhile",
        "Ghazni ", "xGhazni ", ".Ghazni ", "in 1996 and 2021, not 21996 or 1996x",
        "the city, this town, that provincial capital; bathe city, the cityscape, tthat town",
    ]
    for text in texts:
        if name == "_PREVIOUS_CAPITALISED":
            one, other = fast.search(text), slow.search(text)
            assert (one and one.group(1)) == (other and other.group(1)), text
        else:
            assert [m.span() for m in fast.finditer(text)] == [
                m.span() for m in slow.finditer(text)
            ], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "the next day", "a day later" count from the sentence's own date
        ("The militants overran Maymana on Saturday, and Sheberghan and Aybak the next day.\n",
         {"Maymana": dt.date(2021, 8, 7), "Sheberghan": dt.date(2021, 8, 8),
          "Aybak": dt.date(2021, 8, 8)}),
        ("Fighters took Qalat on Monday and Tarinkot a day later.\n",
         {"Qalat": dt.date(2021, 8, 9), "Tarinkot": dt.date(2021, 8, 10)}),
        ("Tarinkot fell on Thursday; the previous day the Taliban had taken Qalat.\n",
         {"Tarinkot": dt.date(2021, 8, 12), "Qalat": dt.date(2021, 8, 11)}),
    ],
)
def test_a_day_counted_from_the_sentence_dates_its_conjunct(
    gazetteer: Gazetteer, text: str, expected: dict[str, dt.date]
) -> None:
    events = extract_article(_article(text), gazetteer).events
    assert {e.place: e.date for e in events} == expected


def test_fragment_starts_for_the_first_character_index() -> None:
    from controlmap._rules import _starts

    assert _starts(r"seiz(?:e|ed)") == {"se"}
    assert _starts(r"(?:a |the )?(?:photos|videos?)(?: [\w']+){0,8}? show") == {
        "a ", "th", "ph", "vi"
    }
    # What follows two known characters does not matter, however open it is.
    assert _starts(r"ab[\w']+") == {"ab"}
    # A fragment that can start with anything cannot be indexed.
    assert _starts(r"[\w']+ly captured") is None


def test_every_control_verb_is_indexed_by_its_first_characters() -> None:
    from controlmap._rules import _default_rules

    # A fragment that cannot be indexed is tried at every word of every sentence.
    assert "_any" not in _default_rules().object_verb.pattern
    assert "_any" not in _default_rules().noun_head.pattern
