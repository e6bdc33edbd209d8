"""Small labelled sets for the check-worthiness model tests: factual sentences with numbers vs opinions."""

FACTUAL = [
    "Unemployment fell to 4.5 percent in March, down from 5.1 percent a year earlier.",
    "The city spent 120 million euros on the new tram line in 2023.",
    "Crime rose by 12 percent between 2019 and 2022, according to police figures.",
    "The government cut the health budget by 3 billion dollars last year.",
    "Inflation reached 9.1 percent in June, the highest rate in four decades.",
    "The Senate passed the bill by 52 votes to 48 on Tuesday.",
    "More than 40,000 people died in the earthquake in February 2023.",
    "Exports to China doubled between 2010 and 2020, to 150 billion dollars.",
    "The minimum wage has been 7.25 dollars an hour since 2009.",
    "Our country imports 60 percent of its oil from three countries.",
    "The national debt passed 31 trillion dollars in October 2022.",
    "In 2021 the company reported profits of 2.3 billion pounds.",
    "Since 2015 the number of teachers has fallen by 8,000.",
    "The president signed 220 executive orders in his first term.",
    "Average rents rose 18 percent in the capital over the past two years.",
    "The army deployed 3,000 troops to the border in May 2024.",
    "Only 35 percent of eligible voters cast a ballot in the 2019 election.",
    "The factory closed in 2018 and 1,200 workers lost their jobs.",
    "Emissions dropped 7 percent in 2020 as flights were grounded.",
    "The state has 4.2 million people without health insurance.",
    "He voted 14 times against raising the minimum wage.",
    "The program costs taxpayers 500 million dollars a year.",
    "Hospital waiting lists grew to 7.6 million cases in 2023.",
    "Tax revenue increased by 6 percent in the first quarter of 2024.",
    "Over 2 million jobs were created in the past 12 months.",
    "The treaty was ratified by 27 countries in 1997.",
    "Gas prices hit 5 dollars a gallon in June 2022 for the first time.",
    "The population of the city grew from 1.1 million in 2000 to 1.6 million in 2020.",
    "The ministry approved 350 new wind turbines in 2022.",
    "Violent crime in the county fell 20 percent from 2010 to 2020.",
]

OPINIONS = [
    "I think we should all be more kind to each other.",
    "This is a wonderful time to be alive.",
    "We must stand together for a brighter future.",
    "I believe in the values of this great nation.",
    "Thank you all so much for coming tonight.",
    "What a terrible idea that would be.",
    "We need to do better for our children.",
    "I love this city and its people.",
    "Frankly, the whole debate is ridiculous.",
    "It is important that we listen to one another.",
    "Good evening, ladies and gentlemen.",
    "I feel very hopeful about what comes next.",
    "We should have the courage to dream big.",
    "Honestly, I just want everyone to be happy.",
    "That is a fair point, and I respect it.",
    "Let us work together in good faith.",
    "Isn't it time for a change?",
    "My opponent simply does not understand.",
    "I am proud of what we have built together.",
    "We have to believe in ourselves.",
    "Our values make us strong.",
    "I'm glad you asked that question.",
    "It would be a shame to give up now.",
    "People deserve leaders who care.",
    "We can make this country even greater.",
    "I really appreciate your support.",
    "Let me be clear about my vision.",
    "We owe it to the next generation.",
    "I think that is the wrong approach.",
    "God bless you and God bless our nation.",
]

LABELLED = [(text, True) for text in FACTUAL] + [(text, False) for text in OPINIONS]

# Not in the training sets: for checking what a trained model ranks first.
HELD_OUT_FACTUAL = [
    "The unemployment rate dropped to 3.9 percent in April 2019.",
    "The county spent 45 million dollars on road repairs in 2021.",
    "Prices of bread rose by 25 percent between 2020 and 2023.",
]
HELD_OUT_OPINIONS = [
    "I think this is a truly beautiful moment.",
    "We must always be kind to our neighbours.",
    "Thank you, it is wonderful to be here.",
]


def text_label_csv(rows) -> str:
    """A newsroom's ``text,label`` CSV, mixing the label spellings it may use."""
    spellings = {True: ("yes", "1", "true", "Yes"), False: ("no", "0", "false", "No")}
    lines = ["text,label"]
    for i, (text, label) in enumerate(rows):
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(f"{quoted},{spellings[label][i % 4]}")
    return "\n".join(lines) + "\n"
